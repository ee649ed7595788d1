import { randomBytes } from 'node:crypto';
import { PassThrough, Readable, Transform } from 'node:stream';
import {
  type BackupInfo,
  type BkEventListener,
  ConfigError,
  createSecretFile,
  findBackup,
  IntegrityError,
  type ProcessSpec,
  runCommand,
  type SecretFile,
  type Storage,
  spawnWriter,
  VerifyingStream,
} from '@bk/core';
import createDebug from 'debug';
import { toConninfo } from './connection.js';
import { mapRestoreError } from './error-mapping.js';
import { planParallelRestore } from './parallel-plan.js';
import type { PgConnector } from './pg-connector.js';
import { createPgpassFile } from './pgpass.js';
import {
  leftoverReason,
  parseScratchName,
  type ScratchDatabase,
  scratchName,
  scratchPrefix,
} from './scratch-databases.js';
import { readToc } from './toc.js';

const debug = createDebug('bk:connector:pg');
const INSTALL_HINT = 'apt-get install postgresql-client (or set binaries.pgRestore/psql)';

/** Options of {@link restorePgParallel}. */
export interface PgParallelRestoreOptions {
  /** Where the backups are. */
  storage: Storage;
  /** The connector of the target database (its `database` is replaced). */
  connector: PgConnector;
  /** Database alias whose backup is restored. */
  database: string;
  /** A backup name or `db/<name>`. @default the latest complete backup of `database` */
  inputPath?: string;
  /**
   * Sessions loading data and building indexes side by side; each data session reads the backup
   * once more from the remote. @default connector.options.parallelRestore ?? 2
   */
  jobs?: number;
  /** Database to connect to for `CREATE DATABASE` and the final renames. @default 'postgres' */
  maintenanceDatabase?: string;
  /**
   * Terminate other sessions connected to the target just before the swap (the rename fails while
   * anyone is connected). @default false
   */
  terminateConnections?: boolean;
  /** Aborting kills every download and pg_restore and drops the scratch database. */
  signal?: AbortSignal;
  /** Receives `started`, `completed` or `failed` (operation `restore`) and `info`/`warning` events. */
  onEvent?: BkEventListener;
}

/** What {@link restorePgParallel} restored. */
export interface PgParallelRestoreResult {
  /** The backup that was restored. */
  backup: BackupInfo;
  /** Bytes of the backup (each of the `reads` downloads was this long and verified). */
  bytes: number;
  /** Downloads of the backup, each verified against its manifest. */
  reads: number;
  /** Data sessions that ran. */
  jobs: number;
  /** Wall time. */
  durationMs: number;
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
const quoteLiteral = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * Restores a PostgreSQL backup with several sessions at once, without a temporary copy of the
 * backup and without touching the target until everything is verified:
 *
 * 1. `CREATE DATABASE <target>_bk_<token>` (a scratch database: template0, the target's owner,
 *    encoding and locale).
 * 2. The table of contents is read from the head of the first download; pre-data (tables, types,
 *    functions) is restored into the scratch database in one transaction.
 * 3. `jobs` sessions load the table data, each `pg_restore --section=data --use-list` fed by its own
 *    download of the backup (`rclone cat`), each download streamed through a sha256 and size check
 *    that must pass (a session that needs only the start of the archive still reads it to the end).
 * 4. Indexes and constraints are built by `jobs` sessions; foreign keys and the rest of post-data last.
 * 5. Only when every session exited 0 and every download matched the manifest, the target is swapped
 *    in one transaction (`ALTER DATABASE target RENAME TO old; ALTER DATABASE scratch RENAME TO
 *    target`), then the old database is dropped. On any failure the scratch database is dropped
 *    and the target is unchanged.
 *
 * The result is the backup's content exactly: objects that exist only in the target are gone (the
 * single-session restore's `--clean` keeps them), and database-level settings and grants of the
 * target (`ALTER DATABASE ... SET`, `GRANT ... ON DATABASE`) are not carried over. Needs
 * `CREATEDB`, ownership of the target, and no other session connected to it at the swap.
 *
 * @throws `ConfigError` for a PostGIS or selective connector, a connection without a database
 * name, or a backup of another connector; `IntegrityError`; `ProcessError` naming pg_restore or psql.
 */
export async function restorePgParallel(options: PgParallelRestoreOptions): Promise<PgParallelRestoreResult> {
  const { storage, connector, database, signal } = options;
  const emit = options.onEvent ?? (() => {});
  const target = connector.connection.params.dbname;
  const jobs = options.jobs ?? connector.options.parallelRestore ?? 2;
  validate(connector, target, jobs);
  const backup = await findBackup({ storage, database, inputPath: options.inputPath, signal });
  if (backup.connector !== connector.id) {
    throw new ConfigError(`backup ${backup.name} was made by the ${backup.connector} connector, not pg`, {
      key: `databases.${database}`,
    });
  }
  const startedMs = Date.now();
  emit({ type: 'started', operation: 'restore', database, estimatedBytes: backup.bytes, name: backup.name });
  const session = await PgSession.open(connector, options.maintenanceDatabase ?? 'postgres', signal);
  const token = randomBytes(4).toString('hex');
  const base = (target as string).slice(0, 40);
  const scratch = scratchName(target as string, startedMs);
  const old = `${base}_bk_old_${token}`;
  const controller = new AbortController();
  const stop = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', stop, { once: true });
  let created = false;
  try {
    // Scratch databases of killed restores into this target go first (only those of dead processes).
    for (const leftover of (await session.leftovers(target as string, Number.POSITIVE_INFINITY)).swept) {
      await session.dropScratch(leftover.name);
      emit({
        type: 'warning',
        operation: 'restore',
        database,
        message: `dropped ${leftover.name}, left by a killed restore`,
      });
    }
    // Set first: an abort while CREATE DATABASE runs may still leave the database behind.
    created = true;
    await session.createLike(target as string, scratch);
    const run = new ParallelRun(session, storage, backup, scratch, controller);
    const { reads, sessions } = await run.restore(jobs);
    await session.swap(target as string, scratch, old, options.terminateConnections ?? false);
    created = false;
    await session.psql(maintenance(session), `drop database if exists ${quoteIdent(old)}`).catch((error) => {
      emit({
        type: 'warning',
        operation: 'restore',
        database,
        message: `restored, but the previous database (now "${old}") could not be dropped: ${String(error)}`,
      });
    });
    const durationMs = Date.now() - startedMs;
    emit({
      type: 'completed',
      operation: 'restore',
      database,
      bytes: backup.bytes,
      durationMs,
      name: backup.name,
    });
    return { backup, bytes: backup.bytes, reads, jobs: sessions, durationMs };
  } catch (error) {
    controller.abort(error);
    if (created) {
      // Not stopped by the signal that aborted the restore (SIGINT/SIGTERM): the drop must run.
      await session
        .dropScratch(scratch)
        .catch((dropError: unknown) => debug('could not drop %s: %O', scratch, dropError));
    }
    throw error;
  } finally {
    signal?.removeEventListener('abort', stop);
    await session.close();
  }
}

/** The scratch databases {@link sweepPgScratch} found: those it dropped (or would) and those it kept. */
export interface PgScratchSweep {
  /** Left over: the creating process on this host is dead (`dead`) or it is older than the limit (`old`). */
  swept: (ScratchDatabase & { reason: 'dead' | 'old' })[];
  /** Possibly still in use by a running restore: left alone. */
  kept: ScratchDatabase[];
}

/** Options of {@link sweepPgScratch}. */
export interface SweepPgScratchOptions {
  /** The connector of the target database whose scratch databases are swept. */
  connector: PgConnector;
  /** Scratch databases older than this are left over even when their creator may be alive elsewhere. */
  olderThanMs: number;
  /** List only, drop nothing. */
  dryRun: boolean;
  /** Database psql connects to. @default 'postgres' */
  maintenanceDatabase?: string;
  /** Stops the sweep. */
  signal?: AbortSignal;
}

/**
 * Finds (and unless `dryRun`, drops) the scratch databases that killed parallel restores into the
 * connector's database left: named `<target prefix>_bk_scratch_<host>_<pid>_<created>`, whose
 * creating process on this host is dead, or older than `olderThanMs`. No other database is touched.
 *
 * @throws `ProcessError` naming psql.
 */
export async function sweepPgScratch(options: SweepPgScratchOptions): Promise<PgScratchSweep> {
  const target = options.connector.connection.params.dbname;
  if (!target) return { swept: [], kept: [] };
  const session = await PgSession.open(
    options.connector,
    options.maintenanceDatabase ?? 'postgres',
    options.signal,
  );
  try {
    const found = await session.leftovers(target, options.olderThanMs);
    if (!options.dryRun) for (const scratch of found.swept) await session.dropScratch(scratch.name);
    return found;
  } finally {
    await session.close();
  }
}

function maintenance(session: PgSession): string {
  return session.maintenance;
}

function validate(connector: PgConnector, target: string | undefined, jobs: number): void {
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) {
    throw new ConfigError(`parallelRestore (jobs) must be a whole number from 1 to 64, got ${jobs}`, {
      key: 'parallelRestore',
    });
  }
  if (!target) {
    throw new ConfigError('a parallel restore needs the database name in the connection', { key: 'url' });
  }
  const { postgis, restoreSchemas, restoreTables } = connector.options;
  if (postgis || (restoreSchemas?.length ?? 0) > 0 || (restoreTables?.length ?? 0) > 0) {
    throw new ConfigError(
      'a parallel restore replaces the whole database: it cannot be combined with postgis, restoreSchemas or restoreTables',
      { key: 'parallelRestore', hint: 'restore without parallelRestore (one session, one transaction)' },
    );
  }
}

/** psql and pg_restore calls with the connector's connection and a private password file. */
class PgSession {
  readonly connector: PgConnector;
  readonly maintenance: string;
  readonly signal: AbortSignal | undefined;
  readonly #pgpass: SecretFile | undefined;

  private constructor(
    connector: PgConnector,
    maintenance: string,
    pgpass: SecretFile | undefined,
    signal?: AbortSignal,
  ) {
    this.connector = connector;
    this.maintenance = maintenance;
    this.#pgpass = pgpass;
    this.signal = signal;
  }

  static async open(connector: PgConnector, maintenance: string, signal?: AbortSignal): Promise<PgSession> {
    const password = connector.connection.password;
    const pgpass = password && !/[\r\n]/.test(password) ? await createPgpassFile(password) : undefined;
    return new PgSession(connector, maintenance, pgpass, signal);
  }

  spec(
    program: 'psql' | 'pg_restore',
    args: string[],
    dbname: string,
    context: string,
    signal?: AbortSignal,
  ) {
    const binaries = this.connector.options.binaries ?? {};
    const password = this.connector.connection.password;
    const env: Record<string, string | undefined> = this.#pgpass
      ? { PGPASSFILE: this.#pgpass.path, PGPASSWORD: undefined }
      : password
        ? { PGPASSWORD: password, PGPASSFILE: undefined }
        : {};
    return {
      name: program,
      file: program === 'psql' ? (binaries.psql ?? 'psql') : (binaries.pgRestore ?? 'pg_restore'),
      args: [...args, `--dbname=${toConninfo({ ...this.connector.connection.params, dbname })}`],
      env,
      secrets: this.connector.secrets,
      installHint: INSTALL_HINT,
      context,
      signal: signal ?? this.signal,
    } satisfies ProcessSpec;
  }

  /** Runs `sql`; `unstoppable` ignores the session's signal (a drop on the abort path must run). */
  async psql(dbname: string, sql: string, unstoppable = false): Promise<string[][]> {
    const spec = this.spec(
      'psql',
      ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-F', '\x1f'],
      dbname,
      `psql on ${dbname}`,
    );
    const { stdout } = await runCommand({
      ...spec,
      args: [...spec.args, '-c', sql],
      signal: unstoppable ? undefined : spec.signal,
    });
    return stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => line.split('\x1f'));
  }

  /** Creates `scratch` like `target`: template0, same owner, encoding and locale. */
  async createLike(target: string, scratch: string): Promise<void> {
    const rows = await this.psql(
      this.maintenance,
      `select pg_catalog.pg_get_userbyid(datdba), pg_catalog.pg_encoding_to_char(encoding), datcollate, datctype
         from pg_catalog.pg_database where datname = ${quoteLiteral(target)}`,
    );
    const [owner, encoding, collate, ctype] = rows[0] ?? [];
    if (!owner) {
      throw new ConfigError(`database "${target}" does not exist`, {
        key: 'url',
        hint: 'create it first (a parallel restore replaces an existing database)',
      });
    }
    await this.psql(
      this.maintenance,
      `create database ${quoteIdent(scratch)} template template0 owner ${quoteIdent(owner)}` +
        ` encoding ${quoteLiteral(encoding ?? 'UTF8')} lc_collate ${quoteLiteral(collate ?? 'C')} lc_ctype ${quoteLiteral(ctype ?? 'C')}`,
    );
  }

  /** Renames target to old and scratch to target in one transaction. */
  async swap(target: string, scratch: string, old: string, terminate: boolean): Promise<void> {
    const kill = terminate
      ? `select pg_catalog.pg_terminate_backend(pid) from pg_catalog.pg_stat_activity
           where datname = ${quoteLiteral(target)} and pid <> pg_catalog.pg_backend_pid();`
      : '';
    await this.psql(
      this.maintenance,
      `${kill} begin; alter database ${quoteIdent(target)} rename to ${quoteIdent(old)};
       alter database ${quoteIdent(scratch)} rename to ${quoteIdent(target)}; commit;`,
    );
  }

  /** The scratch databases of restores into `target`: left over (see `leftoverReason`) or kept. */
  async leftovers(target: string, olderThanMs: number): Promise<PgScratchSweep> {
    const prefix = scratchPrefix(target).replace(/[\\%_]/g, (char) => `\\${char}`);
    const rows = await this.psql(
      this.maintenance,
      `select datname from pg_catalog.pg_database where datname like ${quoteLiteral(`${prefix}%`)} order by 1`,
    );
    const result: PgScratchSweep = { swept: [], kept: [] };
    for (const [name] of rows) {
      const scratch = parseScratchName(target, name ?? '');
      if (!scratch) continue;
      const reason = leftoverReason(scratch, olderThanMs);
      if (reason) result.swept.push({ ...scratch, reason });
      else result.kept.push(scratch);
    }
    return result;
  }

  /** Drops a scratch database, ending the sessions (orphaned pg_restore) still connected to it. */
  async dropScratch(name: string): Promise<void> {
    await this.psql(this.maintenance, `drop database if exists ${quoteIdent(name)} with (force)`, true);
  }

  async close(): Promise<void> {
    await this.#pgpass?.close();
  }
}

/** One parallel restore into the scratch database. */
class ParallelRun {
  readonly #session: PgSession;
  readonly #storage: Storage;
  readonly #backup: BackupInfo;
  readonly #scratch: string;
  readonly #controller: AbortController;
  readonly #files: SecretFile[] = [];
  #reads = 0;

  constructor(
    session: PgSession,
    storage: Storage,
    backup: BackupInfo,
    scratch: string,
    controller: AbortController,
  ) {
    this.#session = session;
    this.#storage = storage;
    this.#backup = backup;
    this.#scratch = scratch;
    this.#controller = controller;
  }

  async restore(jobs: number): Promise<{ reads: number; sessions: number }> {
    try {
      const first = this.#open();
      const head: Buffer[] = [];
      let recording = true;
      const recorder = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          if (recording) head.push(chunk);
          callback(null, chunk);
        },
      });
      first.once('error', (error) => recorder.destroy(error));
      first.pipe(recorder);
      const { toc, replay } = await readToc(recorder, (file) => this.#list(file));
      recording = false;
      const archiveHead = Buffer.concat(head);
      const plan = planParallelRestore(toc, jobs, this.#backup.rowCounts);
      debug(
        'parallel restore of %s: %d data, %d index sessions',
        this.#backup.name,
        plan.data.length,
        plan.indexes.length,
      );

      await this.#restore(['--section=pre-data'], Readable.from([archiveHead]), 'pre-data');
      await this.#all(
        plan.data.map(async (list, index) =>
          this.#restore(
            ['--section=data', `--use-list=${await this.#listFile(list)}`],
            index === 0 ? replay : this.#open(),
            `data ${index + 1}`,
          ),
        ),
      );
      await this.#all(
        plan.indexes.map(async (list, index) =>
          this.#restore(
            ['--section=post-data', `--use-list=${await this.#listFile(list)}`],
            Readable.from([archiveHead]),
            `indexes ${index + 1}`,
          ),
        ),
      );
      await this.#restore(
        ['--section=post-data', `--use-list=${await this.#listFile(plan.rest)}`],
        Readable.from([archiveHead]),
        'post-data',
      );
      return { reads: this.#reads, sessions: plan.data.length };
    } finally {
      for (const file of this.#files) await file.close();
    }
  }

  /** Runs all, and on the first failure stops the others; reports an integrity failure first. */
  async #all(tasks: Promise<void>[]): Promise<void> {
    const failures: unknown[] = [];
    await Promise.all(
      tasks.map((task) =>
        task.catch((error: unknown) => {
          failures.push(error);
          this.#controller.abort(error);
        }),
      ),
    );
    if (failures.length > 0) throw failures.find((error) => IntegrityError.isInstance(error)) ?? failures[0];
  }

  /** Downloads the backup through a size and sha256 check (the tail held back until it passes). */
  #open(): VerifyingStream {
    this.#reads++;
    const handle = this.#storage.get(this.#backup.path, { signal: this.#controller.signal });
    const verifier = new VerifyingStream({
      path: this.#backup.path,
      expected: { bytes: this.#backup.bytes, sha256: this.#backup.sha256 },
      sourceDone: handle.done,
      holdBackBytes: 1,
    });
    handle.stream.once('error', (error) => verifier.destroy(error));
    handle.done.catch((error: unknown) => verifier.destroy(error as Error));
    handle.stream.pipe(verifier);
    return verifier;
  }

  async #listFile(list: string): Promise<string> {
    const file = await createSecretFile(list, { name: 'restore.list' });
    this.#files.push(file);
    return file.path;
  }

  async #list(file: string): Promise<string> {
    const binaries = this.#session.connector.options.binaries ?? {};
    const { stdout } = await runCommand({
      name: 'pg_restore',
      file: binaries.pgRestore ?? 'pg_restore',
      args: ['--list', file],
      installHint: INSTALL_HINT,
      signal: this.#controller.signal,
      context: 'reading the table of contents',
    });
    return stdout;
  }

  /**
   * Feeds `input` to one `pg_restore` session (one transaction, stop at the first error) and reads
   * `input` to its end even after pg_restore is done with it, so its verification completes.
   */
  async #restore(args: string[], input: Readable, what: string): Promise<void> {
    const { options } = this.#session.connector;
    const all = ['--single-transaction', '--exit-on-error', ...args];
    if (options.noOwner) all.push('--no-owner');
    if (options.noAcl) all.push('--no-acl');
    all.push(...(options.extraRestoreArgs ?? []));
    const spec = this.#session.spec(
      'pg_restore',
      all,
      this.#scratch,
      `${what} of ${this.#backup.name}`,
      this.#controller.signal,
    );
    const gate = new PassThrough();
    const status: { state: 'running' | 'done' | 'failed' } = { state: 'running' };
    const restored = spawnWriter(spec, gate);
    const settled = restored.then(
      () => {
        status.state = 'done';
      },
      () => {
        status.state = 'failed';
      },
    );
    try {
      for await (const chunk of input) {
        if (status.state === 'failed') break;
        if (status.state === 'running' && !gate.write(chunk)) {
          await Promise.race([new Promise((resolve) => gate.once('drain', resolve)), settled]);
        }
      }
      gate.end();
    } catch (error) {
      gate.destroy(error as Error);
      await settled;
      throw error;
    }
    await restored.catch((error: unknown) => {
      throw mapRestoreError(error);
    });
  }
}
