import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import {
  BkError,
  ConfigError,
  type Connector,
  type ConnectorCapabilities,
  type ConnectorDescription,
  type DumpHandle,
  type DumpOptions,
  type RestoreOptions,
  type RowCounter,
  runCommand,
  spawnReader,
} from '@bk/core';
import { restoreAtomically, SQLITE_INSTALL_HINT } from './atomic-restore.js';
import { DotCommandGuard } from './dot-command-guard.js';
import { DUMP_HEADER_SQL } from './dump-header.js';
import { SqliteDumpRowCounter } from './dump-row-counter.js';
import { sqliteIdentity } from './identity.js';
import { type ResolvedSqliteOptions, resolveSqliteOptions, type SqliteConnectorOptions } from './options.js';

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * SQLite connector: dumps with the `sqlite3` shell's `.dump` inside one read transaction (a
 * consistent snapshot even while other processes write), and restores into a new file beside the
 * target that is checked and then renamed over it, so a failed restore never changes the target.
 */
export class SqliteConnector implements Connector {
  /** Contract version. */
  readonly specificationVersion = 'v1' as const;
  /** Connector id recorded in manifests. */
  readonly id = 'sqlite';
  /** Backups are SQL text from `.dump`. */
  readonly extension = 'sqlite.sql';
  /** Atomic restore, exact row counts and file size; no table exclusion, no selective restore. */
  readonly capabilities: ConnectorCapabilities = {
    atomicRestore: true,
    excludeTables: false,
    selectiveRestore: false,
    rowCounts: true,
    sizeEstimate: true,
  };
  /** SQLite has no credentials. */
  readonly secrets: readonly string[] = [];
  /** The resolved options (absolute path, binary, busy timeout, restore check). */
  readonly options: ResolvedSqliteOptions;

  /**
   * @param options the database file (`path` or `url`) and how to run sqlite3
   * @throws ConfigError when neither `path` nor a valid `url` is given
   */
  constructor(options: SqliteConnectorOptions) {
    this.options = resolveSqliteOptions(options);
  }

  /** `sqlite:` followed by the absolute path of the database file. */
  get target(): string {
    return `sqlite:${this.options.path}`;
  }

  #spec(args: string[], signal: AbortSignal | undefined, context: string) {
    return {
      name: 'sqlite3',
      file: this.options.binary,
      args,
      installHint: SQLITE_INSTALL_HINT,
      signal,
      context: `${context} of ${this.options.path}`,
    };
  }

  /** Runs SQL read-only against the database and returns the rows (`-json` output). */
  async #query(
    sql: string,
    signal: AbortSignal | undefined,
    context: string,
  ): Promise<Record<string, unknown>[]> {
    const args = [
      '-readonly',
      '-safe',
      '-bail',
      '-json',
      this.options.path,
      `.timeout ${this.options.busyTimeoutMs}`,
      sql,
    ];
    const { stdout } = await runCommand(this.#spec(args, signal, context));
    return stdout.trim() === '' ? [] : (JSON.parse(stdout) as Record<string, unknown>[]);
  }

  /**
   * Streams `.dump` of the whole database, run inside one read transaction, after the header
   * fields `.dump` leaves out (`page_size`, `auto_vacuum`, `encoding`, `user_version`,
   * `application_id` as `PRAGMA` statements, and the journal mode), read in the same transaction.
   * The file is opened read-only, so a missing file fails (`ProcessError`, exit 1) instead of being created.
   * A dump with a line that starts with `.` (schema SQL kept verbatim, split over lines) fails with
   * `BK_SQLITE_DUMP_REFUSED`: a restore would refuse it as a dot-command.
   */
  dump(options: DumpOptions = {}): DumpHandle {
    const args = [
      '-readonly',
      '-safe',
      '-bail',
      this.options.path,
      `.timeout ${this.options.busyTimeoutMs}`,
      'BEGIN;',
      DUMP_HEADER_SQL,
      '.dump',
      'COMMIT;',
    ];
    const handle = spawnReader(this.#spec(args, options.signal, 'dump'));
    let refused: BkError | undefined;
    const guard = new DotCommandGuard((line) => {
      refused = new BkError(
        'BK_SQLITE_DUMP_REFUSED',
        `dump of ${this.options.path} refused: its line ${line} starts with "." (schema SQL split over lines), which sqlite3 would run as a dot-command on restore`,
        {
          hint: 'rewrite that CREATE statement so no line of it starts with "." (for example DEFAULT 0.5 instead of DEFAULT .5)',
        },
      );
      return refused;
    });
    const stream = pipeline(handle.stream, guard, () => {});
    // The guard stops sqlite3 by closing its stdout: report why, not the broken pipe.
    const done = handle.done.then(
      () => {
        if (refused) throw refused;
      },
      (error: unknown) => {
        throw refused ?? error;
      },
    );
    return { stream, done };
  }

  /**
   * Restores a `.dump` stream into a new file beside the target, checks it (`PRAGMA quick_check`,
   * or `PRAGMA integrity_check` with `integrityCheck: 'full'`), then renames it over the target. Rejects with the tool's `ProcessError`, an
   * `AbortedError`, the input's own error, or a {@link SqliteRestoreError}; in every case the
   * target is left byte-identical.
   */
  restore(input: Readable, options: RestoreOptions = {}): Promise<void> {
    return restoreAtomically(this.options, input, options.signal);
  }

  /** Engine `sqlite`; `toolVersion` from `sqlite3 --version`; `serverVersion` is the SQLite library version. */
  async describe(options: { signal?: AbortSignal } = {}): Promise<ConnectorDescription> {
    const { stdout } = await runCommand(this.#spec(['--version'], options.signal, 'describe'));
    const version = stdout.trim().split(/\s+/)[0] ?? '';
    return {
      engine: 'sqlite',
      serverVersion: version || undefined,
      toolVersion: `sqlite3 ${version}`.trim(),
      database: basename(this.options.path),
    };
  }

  /**
   * Creates the database file, empty (a zero-byte file is an empty SQLite database), when it does
   * not exist; the directory must. An existing file is never changed, only checked like
   * {@link SqliteConnector.check} (a file that is not a database rejects, so no restore replaces
   * it). Resolves `true` when it created the file. A restore then replaces it atomically like any
   * other target.
   */
  async createDatabase(options: { signal?: AbortSignal } = {}): Promise<boolean> {
    options.signal?.throwIfAborted();
    try {
      await (await open(this.options.path, 'wx')).close();
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        await this.check(options);
        return false;
      }
      throw new ConfigError(
        `cannot create the SQLite database ${this.options.path}: ${(error as Error).message}`,
        { key: 'path', hint: 'create its directory first, or fix the path', cause: error },
      );
    }
  }

  /**
   * Which file this is, as the filesystem reports it: the device and inode of the file the path
   * leads to (through symlinks, `./` and `..`, a symlinked directory, or a hard link, as the
   * restore itself follows them). A file that does not exist yet is named by the device and inode
   * of its directory and its own name, where {@link SqliteConnector.createDatabase} would create it.
   * Rejects with a `ConfigError` when the directory does not exist either.
   */
  async identity(options: { signal?: AbortSignal } = {}): Promise<string> {
    options.signal?.throwIfAborted();
    return sqliteIdentity(this.options.path);
  }

  /** Opens the file read-only and reads its schema: fails if it is missing or not a database. */
  async check(options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.#query('SELECT count(*) AS n FROM sqlite_schema;', options.signal, 'check');
  }

  /**
   * Counts rows in the `.dump` stream itself (one `INSERT` per row), so a backup's counts are
   * those of its own read transaction even while other processes write.
   */
  rowCounter(): RowCounter {
    return new SqliteDumpRowCounter();
  }

  /**
   * Exact row count of every table, read in one statement (one consistent snapshot). Virtual
   * tables are left out (their rows live in shadow tables, which are counted), like the
   * internal `sqlite_*` tables.
   */
  async rowCounts(options: { signal?: AbortSignal } = {}): Promise<Record<string, number>> {
    const tables = await this.#query(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name;",
      options.signal,
      'row count',
    );
    if (tables.length === 0) return {};
    const sql = tables
      .map(
        ({ name }) =>
          `SELECT ${quoteLiteral(String(name))} AS name, count(*) AS n FROM ${quoteIdentifier(String(name))}`,
      )
      .join(' UNION ALL ');
    const rows = await this.#query(`${sql};`, options.signal, 'row count');
    return Object.fromEntries(rows.map((row) => [String(row.name), Number(row.n)]));
  }

  /** Size of the database file plus its WAL, in bytes; `undefined` when the file does not exist. */
  async estimateSize(): Promise<number | undefined> {
    const main = await stat(this.options.path).catch(() => undefined);
    if (!main) return undefined;
    const wal = await stat(`${this.options.path}-wal`).catch(() => undefined);
    return main.size + (wal?.size ?? 0);
  }

  /** Nothing is held between calls. */
  async close(): Promise<void> {}

  /** Same as {@link SqliteConnector.close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * Creates a {@link SqliteConnector} from a `sqlite:` URL (`sqlite:data/app.db`,
 * `sqlite:///srv/app.db`) or an options object.
 */
export function createSqliteConnector(urlOrOptions: string | SqliteConnectorOptions): SqliteConnector {
  return new SqliteConnector(typeof urlOrOptions === 'string' ? { url: urlOrOptions } : urlOrOptions);
}
