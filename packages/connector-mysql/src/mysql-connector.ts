import { PassThrough, Readable } from 'node:stream';
import {
  AbortedError,
  ConfigError,
  type Connector,
  type ConnectorCapabilities,
  type ConnectorDescription,
  createSecretFile,
  type DumpHandle,
  type DumpOptions,
  EmptyBackupError,
  ProcessError,
  type ProcessSpec,
  type RestoreOptions,
  type RowCounter,
  readHead,
  runCommand,
  type SecretFile,
  spawnReader,
  spawnWriter,
} from '@bk/core';
import createDebug from 'debug';
import { connectionTarget, resolveMysqlOptions } from './connection.js';
import { renderDefaultsFile, type ToolFlavor } from './defaults-file.js';
import { emptyDumpReason, hasStatement } from './dump-head.js';
import { MysqlDumpRowCounter } from './dump-row-counter.js';
import { withMysqlHint } from './error-hints.js';
import { pickBinary } from './find-binary.js';
import type { MysqlConnection, MysqlConnectorOptions } from './types.js';

const debug = createDebug('bk:connector:mysql');

const INSTALL_HINT =
  'install the client tools (apt-get install mariadb-client, or mysql-client), or set dumpBinary and clientBinary';

/**
 * Flags every dump gets: one consistent InnoDB snapshot without locking tables, rows streamed
 * rather than buffered, routines, events and triggers included, binary columns as hex so the
 * file is plain UTF-8, no tablespace statements (they need the PROCESS privilege).
 */
export const MYSQL_DUMP_FLAGS: readonly string[] = [
  '--single-transaction',
  '--quick',
  '--routines',
  '--events',
  '--triggers',
  '--hex-blob',
  '--no-tablespaces',
  '--default-character-set=utf8mb4',
];

/**
 * Flags every restore gets, after any `restoreArgs` so they always win, so a forged dump cannot
 * reach the restoring machine: no `LOAD DATA LOCAL INFILE` (it sent any file the client could
 * read, `/proc/self/environ` included, to the server), and `--binary-mode`, which turns off every
 * client command (`\!`/`system`, `source`, `tee`, `pager`, `connect`) except `\C` and
 * `DELIMITER`. {@link MYSQL_SANDBOX_FLAG} is added when the client has it.
 */
export const MYSQL_RESTORE_FLAGS: readonly string[] = ['--binary-mode', '--local-infile=0'];

/** Recent MariaDB clients (10.11.19 among them): refuse every client command that touches files. */
export const MYSQL_SANDBOX_FLAG = '--sandbox';

/** A dump or client tool as its `--version` describes it. */
interface ToolInfo {
  flavor: ToolFlavor;
  version: string;
  major: number;
}

/**
 * The MySQL and MariaDB connector: `mariadb-dump`/`mysqldump` out, `mariadb`/`mysql` back in.
 * Every connection option, credentials included, travels in a 0600 `--defaults-extra-file`
 * (always the first argument), never in argv or `MYSQL_PWD`. MySQL cannot roll back DDL, so
 * `capabilities.atomicRestore` is false: core verifies the backup's sha256 before the target is touched.
 */
export class MysqlConnector implements Connector, AsyncDisposable {
  /** The contract version this connector implements. */
  readonly specificationVersion = 'v1' as const;
  /** Connector id recorded in manifests. */
  readonly id = 'mysql';
  /** Backups are plain SQL text. */
  readonly extension = 'sql';
  /** What this connector supports; restores are not atomic (DDL commits implicitly). */
  readonly capabilities: ConnectorCapabilities = {
    atomicRestore: false,
    excludeTables: true,
    selectiveRestore: false,
    rowCounts: true,
    sizeEstimate: true,
  };
  /** The connection as a URL with the password masked (`mysql://app:***@db:3306/app`). */
  readonly target: string;
  /** The password, when there is one, so callers can redact it. */
  readonly secrets: readonly string[];
  /** The database dumped and restored into. */
  readonly database: string;
  /** Dump tool in use (`mariadb-dump` or `mysqldump`, or the configured path). */
  readonly dumpBinary: string;
  /** Client in use for restores and queries (`mariadb` or `mysql`, or the configured path). */
  readonly clientBinary: string;
  /** Tables left out of dumps and row counts. */
  readonly excludeTables: readonly string[];

  readonly #connection: MysqlConnection;
  readonly #dumpArgs: readonly string[];
  readonly #restoreArgs: readonly string[];
  readonly #connectTimeout: number;
  readonly #tools = new Map<string, Promise<ToolInfo>>();
  readonly #sandbox = new Map<string, Promise<boolean>>();
  readonly #files = new Set<SecretFile>();

  /** Takes a `mysql://` / `mariadb://` URL or an options object; see {@link MysqlConnectorOptions}. */
  constructor(input: string | MysqlConnectorOptions) {
    const options: MysqlConnectorOptions = typeof input === 'string' ? { url: input } : input;
    this.#connection = resolveMysqlOptions(options);
    this.database = this.#connection.database!;
    if (this.database.startsWith('-')) {
      throw new ConfigError(`MySQL database name "${this.database}" must not start with "-"`, {
        key: 'database',
      });
    }
    this.target = connectionTarget(this.#connection);
    this.secrets = this.#connection.password ? [this.#connection.password] : [];
    this.excludeTables = [...(options.excludeTables ?? [])];
    this.#dumpArgs = [...(options.dumpArgs ?? [])];
    this.#restoreArgs = [...(options.restoreArgs ?? [])];
    this.#connectTimeout = options.connectTimeout ?? 10;
    if (!Number.isInteger(this.#connectTimeout) || this.#connectTimeout < 0) {
      throw new ConfigError(
        `connectTimeout must be a whole number of seconds, got ${options.connectTimeout}`,
        {
          key: 'connectTimeout',
        },
      );
    }
    this.dumpBinary = options.dumpBinary ?? pickBinary(['mariadb-dump', 'mysqldump']);
    this.clientBinary = options.clientBinary ?? pickBinary(['mariadb', 'mysql']);
  }

  /** Starts the dump tool; `stream` carries its output, `done` settles when it exits. */
  dump(options: DumpOptions = {}): DumpHandle {
    const output = new PassThrough();
    // The consumer sees failures through `done` (and its own pipeline); never crash an unlistened stream.
    output.on('error', () => {});
    const done = this.#runDump(output, options.signal);
    done.then(undefined, (error: unknown) => {
      if (!output.destroyed) output.destroy(error as Error);
    });
    return { stream: output, done };
  }

  async #runDump(output: PassThrough, signal: AbortSignal | undefined): Promise<void> {
    const tool = await this.#tool(this.dumpBinary, signal);
    await using file = await this.#defaultsFile(tool.flavor);
    const context = `dump of ${this.target}`;
    // The consumer already gave up on the stream: do not start a dump nobody reads.
    if (output.destroyed) throw new AbortedError(context);
    const handle = spawnReader(
      this.#spec({ file: this.dumpBinary, args: this.#dumpCommand(file.path, tool), context, signal }),
    );
    const source = handle.stream;
    source.pipe(output);
    // If the consumer goes away, stop the tool (it gets EPIPE) rather than leaving it blocked.
    output.once('close', () => {
      if (!source.readableEnded) source.destroy();
    });
    // On abort the consumer may have stopped reading: drain what the killed tool left in the pipe,
    // or the tool's stdout never ends and `done` never settles.
    const drain = () => {
      source.unpipe(output);
      source.resume();
    };
    if (signal?.aborted) drain();
    else signal?.addEventListener('abort', drain, { once: true });
    try {
      await handle.done;
    } catch (error) {
      throw withMysqlHint(error, context);
    } finally {
      signal?.removeEventListener('abort', drain);
    }
  }

  #dumpCommand(defaultsFile: string, tool: ToolInfo): string[] {
    const args = [`--defaults-extra-file=${defaultsFile}`, ...MYSQL_DUMP_FLAGS];
    if (tool.flavor === 'mysql') {
      // GTID statements would make the dump unrestorable on a server with its own GTID history;
      // MySQL 8's mysqldump also queries COLUMN_STATISTICS, which MariaDB servers lack.
      args.push('--set-gtid-purged=OFF');
      if (tool.major >= 8) args.push('--column-statistics=0');
    }
    for (const table of this.excludeTables) args.push(`--ignore-table=${this.database}.${table}`);
    args.push(...this.#dumpArgs, this.database);
    return args;
  }

  /** Streams `input` (a dump) into the client connected to the target database. */
  async restore(input: Readable, options: RestoreOptions = {}): Promise<void> {
    const { signal } = options;
    // Until the client runs, remember an input failure instead of letting it go unhandled.
    let earlyError: unknown;
    const onEarlyError = (error: unknown) => {
      earlyError ??= error;
    };
    input.on('error', onEarlyError);
    try {
      // An empty backup (0 bytes, a header alone) is refused before the client touches the target.
      const head = await readHead(input, (bytes) => hasStatement(bytes));
      const empty = head.ended ? emptyDumpReason(head.bytes) : undefined;
      if (empty !== undefined) throw new EmptyBackupError(this.target, empty);
      const source = head.ended ? Readable.from([head.bytes]) : input;
      const tool = await this.#tool(this.clientBinary, signal);
      await using file = await this.#defaultsFile(tool.flavor);
      if (earlyError !== undefined || (input.destroyed && !input.readableEnded && !head.ended)) {
        throw earlyError ?? new Error('restore input closed before its end');
      }
      const sandbox = await this.#supportsSandbox(this.clientBinary, signal);
      const context = `restore into ${this.target}`;
      const args = [
        `--defaults-extra-file=${file.path}`,
        '--default-character-set=utf8mb4',
        `--connect-timeout=${this.#connectTimeout}`,
        ...this.#restoreArgs,
        ...MYSQL_RESTORE_FLAGS,
        ...(sandbox ? [MYSQL_SANDBOX_FLAG] : []),
        this.database,
      ];
      const restored = spawnWriter(this.#spec({ file: this.clientBinary, args, context, signal }), source);
      input.off('error', onEarlyError);
      try {
        await restored;
      } catch (error) {
        throw withMysqlHint(error, context);
      }
    } finally {
      input.off('error', onEarlyError);
    }
  }

  /** Engine (`mariadb` or `mysql`, from `SELECT VERSION()`), server and dump tool versions. */
  async describe(options: { signal?: AbortSignal } = {}): Promise<ConnectorDescription> {
    const [rows, tool] = await Promise.all([
      this.#query('SELECT VERSION()', options.signal),
      this.#tool(this.dumpBinary, options.signal),
    ]);
    const serverVersion = rows[0]?.[0];
    return {
      engine: serverVersion && /mariadb/i.test(serverVersion) ? 'mariadb' : 'mysql',
      serverVersion,
      toolVersion: tool.version,
      database: this.database,
    };
  }

  /** Connects once (`SELECT 1` in the database); rejects with the client's error when it cannot. */
  async check(options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.#query('SELECT 1', options.signal);
  }

  /**
   * Creates the database when it does not exist: connects to it first, and only when the server
   * answers "Unknown database" (ERROR 1049) runs `CREATE DATABASE` (the server's default character
   * set and collation) without a default database. The user needs the `CREATE` privilege. An
   * existing database is left as it is. Resolves `true` when it created the database, `false` when
   * it was already there.
   */
  async createDatabase(options: { signal?: AbortSignal } = {}): Promise<boolean> {
    try {
      await this.check(options);
      return false;
    } catch (error) {
      if (!(ProcessError.isInstance(error) && /ERROR 1049 /.test(error.stderrTail))) throw error;
    }
    // IF NOT EXISTS: created by someone else since the check is fine too.
    await this.#query(
      `CREATE DATABASE IF NOT EXISTS \`${this.database.replaceAll('`', '``')}\``,
      options.signal,
      null,
    );
    return true;
  }

  /**
   * Which database this is, as the server reports it: the server (`@@hostname`, `@@port`,
   * `@@datadir`) and the schema name, lower-cased when the server compares names without case
   * (`lower_case_table_names` 1 or 2). Asked without a default database, so a schema that does not
   * exist yet has an identity too (where {@link MysqlConnector.createDatabase} would create it).
   * `localhost` (the socket) and `127.0.0.1` (TCP), the port left out, `mariadb://` and another user
   * all give the same string. Rejects with the client's `ProcessError` when the server cannot be asked.
   */
  async identity(options: { signal?: AbortSignal } = {}): Promise<string> {
    const [fields = []] = await this.#query(
      'SELECT @@hostname, @@port, @@datadir, @@lower_case_table_names',
      options.signal,
      null,
    );
    const [host, port, datadir, lowerCase] = fields;
    const schema = lowerCase === '0' ? this.database : this.database.toLowerCase();
    return `mysql:${host}:${port}:${datadir}/${schema}`;
  }

  /**
   * Counts rows in the dump stream itself (the tuples of its `INSERT` statements), so a backup's
   * counts are those of the dump's own `--single-transaction` snapshot even while the database is
   * written to, and cost the server nothing.
   */
  rowCounter(): RowCounter {
    return new MysqlDumpRowCounter();
  }

  /**
   * Rows per base table, excluded tables left out. Exact (`count(*)` in one consistent snapshot)
   * unless `estimate` is set, which reads `information_schema.tables.table_rows` instead.
   */
  async rowCounts(
    options: { signal?: AbortSignal; estimate?: boolean } = {},
  ): Promise<Record<string, number>> {
    const rows = await this.#query(
      "SELECT HEX(table_name), COALESCE(table_rows, 0) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type IN ('BASE TABLE', 'SYSTEM VERSIONED') ORDER BY table_name",
      options.signal,
    );
    const excluded = new Set(this.excludeTables);
    const tables = rows
      .map(([hex, estimate]) => ({
        name: Buffer.from(hex ?? '', 'hex').toString('utf8'),
        estimate: Number(estimate),
      }))
      .filter((table) => !excluded.has(table.name));
    if (options.estimate || tables.length === 0) {
      return Object.fromEntries(tables.map((table) => [table.name, table.estimate]));
    }
    const statements = tables.map(
      (table, index) => `SELECT ${index}, COUNT(*) FROM \`${table.name.replaceAll('`', '``')}\`;`,
    );
    const counts = await this.#query(
      ['START TRANSACTION WITH CONSISTENT SNAPSHOT;', ...statements, 'COMMIT;'].join('\n'),
      options.signal,
    );
    const result: Record<string, number> = {};
    for (const [index, count] of counts) result[tables[Number(index)]!.name] = Number(count);
    return result;
  }

  /** Data plus index bytes of the database, from `information_schema.tables`. */
  async estimateSize(options: { signal?: AbortSignal } = {}): Promise<number | undefined> {
    const rows = await this.#query(
      'SELECT COALESCE(SUM(data_length + index_length), 0) FROM information_schema.tables WHERE table_schema = DATABASE()',
      options.signal,
    );
    const bytes = Number(rows[0]?.[0]);
    return Number.isFinite(bytes) ? bytes : undefined;
  }

  /** Removes any defaults file still in use (normally each is removed as soon as its tool exits). */
  async close(): Promise<void> {
    const files = [...this.#files];
    this.#files.clear();
    await Promise.all(files.map((file) => file.close()));
  }

  /** Same as {@link MysqlConnector.close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * Runs SQL (given on stdin) in `database` (default: the target database; `null`: none) and
   * returns the rows as tab-split fields.
   */
  async #query(
    sql: string,
    signal: AbortSignal | undefined,
    database: string | null = this.database,
  ): Promise<string[][]> {
    const tool = await this.#tool(this.clientBinary, signal);
    await using file = await this.#defaultsFile(tool.flavor);
    const args = [
      `--defaults-extra-file=${file.path}`,
      '--default-character-set=utf8mb4',
      '--batch',
      '--skip-column-names',
      `--connect-timeout=${this.#connectTimeout}`,
      ...(database === null ? [] : [database]),
    ];
    const context = this.target;
    try {
      const { stdout } = await runCommand(
        this.#spec({ file: this.clientBinary, args, context, signal, input: `${sql}\n` }),
      );
      return stdout
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => line.split('\t'));
    } catch (error) {
      throw withMysqlHint(error, context);
    }
  }

  /** `<tool> --version`, cached per binary: which family it belongs to and its version line. */
  async #tool(binary: string, signal: AbortSignal | undefined): Promise<ToolInfo> {
    if (signal?.aborted) throw new AbortedError(`${binary} for ${this.target}`, { cause: signal.reason });
    let info = this.#tools.get(binary);
    if (!info) {
      // Shared by concurrent callers, so it is not tied to any one caller's signal (it takes milliseconds).
      info = runCommand(this.#spec({ file: binary, args: ['--version'], context: this.target })).then(
        ({ stdout }) => {
          const version = stdout.trim().replace(/\s+/g, ' ');
          const flavor: ToolFlavor = /mariadb/i.test(version) ? 'mariadb' : 'mysql';
          const major = Number(/Ver (\d+)\./.exec(version)?.[1] ?? 0);
          debug('%s is %s (%s)', binary, flavor, version);
          return { flavor, version, major };
        },
      );
      this.#tools.set(binary, info);
      info.catch(() => this.#tools.delete(binary));
    }
    return info;
  }

  /** Whether `<client> --help` lists `--sandbox`, cached per binary (false when it cannot tell). */
  async #supportsSandbox(binary: string, signal: AbortSignal | undefined): Promise<boolean> {
    let known = this.#sandbox.get(binary);
    if (!known) {
      known = runCommand(this.#spec({ file: binary, args: ['--help'], context: this.target }))
        .then(({ stdout }) => /^\s*--sandbox\b/m.test(stdout))
        .catch(() => false);
      this.#sandbox.set(binary, known);
    }
    signal?.throwIfAborted();
    return known;
  }

  /** Writes the 0600 defaults file for one tool run; `close()` (or `await using`) removes it. */
  async #defaultsFile(flavor: ToolFlavor): Promise<SecretFile> {
    const file = await createSecretFile(renderDefaultsFile(this.#connection, flavor), { name: 'my.cnf' });
    this.#files.add(file);
    const close = async (): Promise<void> => {
      this.#files.delete(file);
      await file.close();
    };
    return { path: file.path, close, [Symbol.asyncDispose]: close };
  }

  #spec(spec: Omit<ProcessSpec, 'secrets' | 'installHint'>): ProcessSpec {
    return { ...spec, secrets: this.secrets, installHint: INSTALL_HINT };
  }
}
