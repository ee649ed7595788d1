import { PassThrough, type Readable } from 'node:stream';
import {
  ConfigError,
  type Connector,
  type ConnectorCapabilities,
  type ConnectorDescription,
  createSecretFile,
  type DumpHandle,
  type DumpOptions,
  failStream,
  ProcessError,
  type ProcessSpec,
  type RestoreOptions,
  type RowCounter,
  runCommand,
  type SecretFile,
  spawnReader,
  spawnWriter,
} from '@bk/core';
import createDebug from 'debug';
import { ArchiveRowCounter } from './archive-row-counter.js';
import { formatPgTarget, type PgConnection, resolvePgConnection, toConninfo } from './connection.js';
import { mapDumpError, mapRestoreError, withCreateDatabaseHint, withExtensionHint } from './error-mapping.js';
import { formatPgIdentity, PG_IDENTITY_SQL } from './identity.js';
import { schemaMatchSql, tableMatchSql } from './name-pattern.js';
import type { PgConnectorOptions } from './options.js';
import { pgDumpArgs, pgRestoreArgs } from './pg-args.js';
import { createPgpassFile } from './pgpass.js';
import { type BaseBackupHandle, startBaseBackup } from './physical/base-backup.js';
import { ensureExtensions, quoteIdentifier, resolvePostgis } from './postgis.js';
import { filterToc, guardInput, readToc, type TocSkip } from './toc.js';
import { pgMajorVersion } from './version-mismatch.js';

const debug = createDebug('bk:connector:pg');

/** psql's field separator: the ASCII unit separator, which names and counts never contain. */
const FIELD = '\x1f';

const INSTALL_HINT = 'apt-get install postgresql-client (or set binaries.pgDump/pgRestore/psql)';

/** What {@link PgConnector.describe} reports: the contract's fields plus version details. */
export interface PgDescription extends ConnectorDescription {
  /** The server's major version (`15`), when it could be read. */
  serverMajor: number | undefined;
  /** pg_dump's major version (`15`). */
  toolMajor: number | undefined;
  /**
   * Set when pg_dump is older than the server (it will refuse to dump it): what to install.
   * `undefined` when the versions are compatible.
   */
  versionWarning: string | undefined;
}

/** Options of one psql call. */
interface PsqlCall {
  signal?: AbortSignal | undefined;
  connection?: PgConnection;
  context?: string;
}

/** Credentials for one command: the environment to add, and what to remove afterwards. */
interface Credentials {
  env: Record<string, string | undefined>;
  close(): Promise<void>;
}

/**
 * PostgreSQL connector: `pg_dump --format=custom` streamed out, `pg_restore --single-transaction
 * --exit-on-error` streamed in, so a restore whose input fails or is cut short rolls back and
 * leaves the target unchanged. The password only ever reaches a 0600 `PGPASSFILE`.
 */
export class PgConnector implements Connector, AsyncDisposable {
  /** Contract version. */
  readonly specificationVersion = 'v1' as const;
  /** Connector id recorded in manifests. */
  readonly id = 'pg';
  /** Backups are pg_dump custom-format archives. */
  readonly extension = 'pgdump';
  /** Atomic restore (one transaction), table exclusion, selective restore, row counts, size. */
  readonly capabilities: ConnectorCapabilities = {
    atomicRestore: true,
    excludeTables: true,
    selectiveRestore: true,
    rowCounts: true,
    sizeEstimate: true,
  };
  /** The connection as a URL with the password shown as `***`. */
  readonly target: string;
  /** The passwords this connector holds (its own and the PostGIS admin's). */
  readonly secrets: readonly string[];
  /** The options it was created with. */
  readonly options: Readonly<PgConnectorOptions>;
  /** The resolved connection (libpq keywords and the password apart). */
  readonly connection: PgConnection;
  readonly #admin: ReturnType<typeof resolvePostgis>;
  readonly #live = new Set<Credentials>();

  constructor(options: PgConnectorOptions) {
    const level = options.compressionLevel;
    if (level !== undefined && !(Number.isInteger(level) && level >= 0 && level <= 9)) {
      throw new ConfigError(`compressionLevel must be an integer from 0 to 9, got ${level}`, {
        key: 'compressionLevel',
      });
    }
    this.options = options;
    this.connection = resolvePgConnection(options);
    this.target = formatPgTarget(this.connection);
    this.#admin = resolvePostgis(options.postgis, this.connection);
    const secrets = [this.connection.password, this.#admin?.connection?.password];
    this.secrets = [...new Set(secrets.filter((secret): secret is string => Boolean(secret)))];
  }

  /** The database name, when the connection names one. */
  get database(): string | undefined {
    return this.connection.params.dbname;
  }

  /** Starts `pg_dump --format=custom` and streams the archive. */
  dump(options: DumpOptions = {}): DumpHandle {
    const output = new PassThrough();
    const done = (async () => {
      const credentials = await this.#credentials(this.connection);
      try {
        const spec = this.#spec('pg_dump', pgDumpArgs(this.options), credentials, {
          signal: options.signal,
          context: `dump of ${this.target}`,
        });
        const handle = spawnReader(spec);
        handle.stream.pipe(output);
        handle.stream.once('error', (error) => failStream(output, error));
        // A consumer that gives up closes the pipe, so pg_dump stops instead of blocking.
        output.once('close', () => handle.stream.destroy());
        try {
          await handle.done;
        } catch (error) {
          throw mapDumpError(error);
        }
      } finally {
        await this.#release(credentials);
      }
    })();
    done.catch((error: unknown) => {
      if (!output.writableEnded) failStream(output, error as Error);
    });
    return { stream: output, done };
  }

  /**
   * Streams a custom-format archive into `pg_restore --single-transaction --exit-on-error`
   * (`--clean --if-exists` unless `clean: false`). With `postgis`, creates the extension first.
   */
  async restore(input: Readable, options: RestoreOptions = {}): Promise<void> {
    const guard = guardInput(input);
    let credentials: Credentials | undefined;
    let listFile: SecretFile | undefined;
    try {
      let source = input;
      const args = pgRestoreArgs(this.options);
      if (this.#admin) {
        await this.#ensureExtensions(options.signal);
        const skip = await this.#tocSkips(options.signal);
        if (skip) {
          const { toc, replay } = await readToc(input, (file) => this.#listToc(file, options.signal));
          listFile = await createSecretFile(filterToc(toc, skip), { name: 'restore.list' });
          args.push(`--use-list=${listFile.path}`);
          source = replay;
        }
      }
      credentials = await this.#credentials(this.connection);
      guard.check();
      guard.release();
      const spec = this.#spec('pg_restore', args, credentials, {
        signal: options.signal,
        context: `restore into ${this.target}`,
      });
      await spawnWriter(spec, source).catch((error: unknown) => {
        throw mapRestoreError(error);
      });
    } catch (error) {
      guard.release();
      input.destroy();
      throw error;
    } finally {
      await this.#release(credentials);
      await listFile?.close();
    }
  }

  /** Server version (`SHOW server_version`), `pg_dump --version`, and whether pg_dump is too old. */
  async describe(options: { signal?: AbortSignal } = {}): Promise<PgDescription> {
    const [rows, tool] = await Promise.all([
      this.#psql("select current_setting('server_version'), current_database()", options),
      runCommand({
        name: 'pg_dump',
        file: this.#binary('pg_dump'),
        args: ['--version'],
        installHint: INSTALL_HINT,
        signal: options.signal,
      }),
    ]);
    const [serverVersion, database] = rows[0] ?? [];
    const toolVersion = tool.stdout.trim();
    const serverMajor = serverVersion ? pgMajorVersion(serverVersion) : undefined;
    const toolMajor = pgMajorVersion(toolVersion);
    const tooOld = serverMajor !== undefined && toolMajor !== undefined && toolMajor < serverMajor;
    return {
      engine: 'postgresql',
      serverVersion,
      toolVersion,
      database: database ?? this.database,
      serverMajor,
      toolMajor,
      versionWarning: tooOld
        ? `${toolVersion} is older than the server (${serverVersion}) and will refuse to dump it: ` +
          `install postgresql-client-${serverMajor}`
        : undefined,
    };
  }

  /** Runs `select 1`; throws a `ProcessError` naming psql's exit code, its stderr and the target. */
  async check(options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.#psql('select 1', options);
  }

  /**
   * Counts rows in the archive stream itself (the lines of each table's COPY data), so a backup's
   * counts are those of pg_dump's own snapshot and cost the server nothing. Archives compressed
   * with lz4 or zstd (`extraDumpArgs`) are not read: their manifests record no counts.
   */
  rowCounter(): RowCounter {
    return new ArchiveRowCounter();
  }

  /**
   * Row count per table, keyed `schema.table` (tables of extensions left out): the rows each table
   * holds itself (`count(*) from only`, so a partitioned or inheritance parent does not count its
   * children's rows, as in the archive). Exact unless `estimate` is set, which reads the planner's
   * `pg_class.reltuples` instead (0 for tables never analyzed).
   */
  async rowCounts(
    options: { signal?: AbortSignal; estimate?: boolean } = {},
  ): Promise<Record<string, number>> {
    // Exactly the tables the dump holds: `excludeTables` and tables outside `schemas` are left
    // out, and `excludeTableData` tables hold no rows in the backup (0, without a scan).
    const dataExcluded = tableMatchSql(this.options.excludeTableData ?? [], 'n.nspname', 'c.relname');
    const exact = `(xpath('/row/n/text()', query_to_xml(format('select count(*) as n from only %I.%I', n.nspname, c.relname), false, true, '')))[1]::text`;
    // Planner estimates exist only for analyzed tables (reltuples is -1 before, on PostgreSQL 14+,
    // and 0 on older servers): a freshly restored copy has none, so those tables are counted.
    const count = options.estimate
      ? `case when c.reltuples > 0 then c.reltuples::bigint::text else ${exact} end`
      : exact;
    const sql = `select n.nspname, c.relname, case when ${dataExcluded} then '0' else ${count}::text end
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
        and not exists (select 1 from pg_catalog.pg_depend d where d.classid = 'pg_catalog.pg_class'::regclass
          and d.objid = c.oid and d.deptype = 'e')
        and (${schemaMatchSql(this.options.schemas ?? [], 'n.nspname')})
        and not (${tableMatchSql(this.options.excludeTables ?? [], 'n.nspname', 'c.relname')})
      order by 1, 2`;
    const counts: Record<string, number> = {};
    for (const [schema, table, value] of await this.#psql(sql, options)) {
      counts[`${schema}.${table}`] = Number(value);
    }
    return counts;
  }

  /** `pg_database_size(current_database())` in bytes. */
  async estimateSize(options: { signal?: AbortSignal } = {}): Promise<number | undefined> {
    const rows = await this.#psql('select pg_database_size(current_database())', options);
    const size = Number(rows[0]?.[0]);
    return Number.isFinite(size) ? size : undefined;
  }

  /**
   * Creates the database the connection names when it does not exist: connects to it first, and
   * only when the server answers that it does not exist runs `CREATE DATABASE` (owned by the
   * connecting role, from the server's default template) connected to the `postgres` maintenance
   * database. The role needs `CREATEDB`. An existing database is left as it is. Resolves `true`
   * when it created the database; `false` when it existed, or when the connection names no
   * database (a service file or libpq's default then decides which).
   */
  async createDatabase(options: { signal?: AbortSignal } = {}): Promise<boolean> {
    const name = this.database;
    if (name === undefined || name === '') return false;
    try {
      await this.check(options);
      return false;
    } catch (error) {
      if (!(ProcessError.isInstance(error) && /database ".*" does not exist/.test(error.stderrTail)))
        throw error;
    }
    const call = {
      signal: options.signal,
      connection: { ...this.connection, params: { ...this.connection.params, dbname: 'postgres' } },
      context: `creating database ${name} on ${this.target}`,
    };
    debug('creating database %s', name);
    try {
      await this.#psql(`create database ${quoteIdentifier(name)}`, call);
    } catch (error) {
      // Created by someone else between the two statements: it exists, which is all we wanted.
      if (ProcessError.isInstance(error) && /already exists/.test(error.stderrTail)) return false;
      throw withCreateDatabaseHint(error);
    }
    return true;
  }

  /**
   * Which database this is, as the server reports it: the running server (its postmaster start
   * time and port) and `current_database()`, so `localhost` and `127.0.0.1`, a unix socket and TCP,
   * the default port left out, `?dbname=`, another role or a service file all give the same string.
   * When the database does not exist yet, the server is asked through the `postgres` maintenance
   * database (as {@link PgConnector.createDatabase} does) and the name is the connection's `dbname`.
   * Rejects with psql's `ProcessError` when the server cannot be asked.
   */
  async identity(options: { signal?: AbortSignal } = {}): Promise<string> {
    try {
      const [fields = []] = await this.#psql(PG_IDENTITY_SQL, options);
      return formatPgIdentity(fields, fields[2] ?? '');
    } catch (error) {
      const name = this.database;
      const missing = error instanceof ProcessError && /database ".*" does not exist/.test(error.stderrTail);
      if (!missing || name === undefined || name === '') throw error;
      const [fields = []] = await this.#psql(PG_IDENTITY_SQL, {
        signal: options.signal,
        connection: { ...this.connection, params: { ...this.connection.params, dbname: 'postgres' } },
        context: `identifying ${this.target}`,
      });
      return formatPgIdentity(fields, name);
    }
  }

  /** Removes password files of operations still running. */
  async close(): Promise<void> {
    for (const credentials of [...this.#live]) await this.#release(credentials);
  }

  /** Same as {@link PgConnector.close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * Starts a physical base backup of the whole cluster (`pg_basebackup`, tar to stdout, WAL left to
   * the archive). `segmentSize` is the server's `wal_segment_size` ({@link PgConnector.walSegmentSize}).
   */
  baseBackup(options: { signal?: AbortSignal; segmentSize?: number; label?: string } = {}): BaseBackupHandle {
    return startBaseBackup({
      connection: this.connection,
      binary: this.options.binaries?.pgBasebackup ?? 'pg_basebackup',
      secrets: this.secrets,
      target: this.target,
      ...options,
    });
  }

  /** The server's `wal_segment_size` in bytes (16 MiB unless the cluster was initialised otherwise). */
  async walSegmentSize(options: { signal?: AbortSignal } = {}): Promise<number> {
    const rows = await this.#psql("SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'", {
      signal: options.signal,
    });
    const size = Number(rows[0]?.[0]);
    if (!Number.isSafeInteger(size) || size <= 0) {
      throw new ConfigError(`the server reported no wal_segment_size (${JSON.stringify(rows[0]?.[0])})`);
    }
    return size;
  }

  /** Runs one statement through psql and returns its rows (fields split on NUL). */
  async #psql(sql: string, call: PsqlCall = {}): Promise<string[][]> {
    const connection = call.connection ?? this.connection;
    const credentials = await this.#credentials(connection);
    try {
      const spec = this.#spec(
        'psql',
        [
          '-X',
          '-q',
          '-A',
          '-t',
          '-v',
          'ON_ERROR_STOP=1',
          `--field-separator=${FIELD}`,
          '--record-separator-zero',
        ],
        credentials,
        { signal: call.signal, context: call.context ?? this.target, connection },
      );
      const { stdout } = await runCommand({ ...spec, args: [...spec.args, '-c', sql] });
      return stdout
        .split('\0')
        .filter((record) => record.trim() !== '')
        .map((record) => record.split(FIELD));
    } finally {
      await this.#release(credentials);
    }
  }

  async #ensureExtensions(signal: AbortSignal | undefined): Promise<void> {
    const admin = this.#admin;
    if (!admin) return;
    const sql = ensureExtensions(admin);
    debug('creating extensions %o in %s', admin.extensions, this.target);
    await this.#psql(sql, {
      signal,
      connection: admin.connection ?? this.connection,
      context: `creating ${admin.extensions.join(', ')} in ${this.target}`,
    }).catch((error: unknown) => {
      throw withExtensionHint(error);
    });
  }

  /**
   * For the PostGIS variant: when the restoring role cannot own the extensions (not a superuser,
   * not a member of their owner), the archive's `EXTENSION` and `COMMENT ON EXTENSION` entries and
   * the data of the extensions' own tables (`spatial_ref_sys`) are skipped: the admin created them.
   */
  async #tocSkips(signal: AbortSignal | undefined): Promise<TocSkip | undefined> {
    const names = (this.#admin?.extensions ?? []).map((name) => `'${name.replaceAll("'", "''")}'`).join(', ');
    const owned = await this.#psql(
      `select e.extname, (select rolsuper from pg_catalog.pg_roles where rolname = current_user)
         or pg_catalog.pg_has_role(e.extowner, 'MEMBER')
       from pg_catalog.pg_extension e where e.extname = any(array[${names}]::text[])`,
      { signal },
    );
    const foreign = owned.filter(([, own]) => own !== 't').map(([name]) => name as string);
    if (foreign.length === 0) return undefined;
    const list = foreign.map((name) => `'${name.replaceAll("'", "''")}'`).join(', ');
    const tables = await this.#psql(
      `select n.nspname, c.relname from pg_catalog.pg_depend d
         join pg_catalog.pg_extension e on e.oid = d.refobjid
         join pg_catalog.pg_class c on c.oid = d.objid
         join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       where d.classid = 'pg_catalog.pg_class'::regclass and d.refclassid = 'pg_catalog.pg_extension'::regclass
         and d.deptype = 'e' and c.relkind = 'r' and e.extname = any(array[${list}]::text[])`,
      { signal },
    );
    debug('restoring as a non-owner of %o: skipping their TOC entries', foreign);
    return { extensions: foreign, tableData: tables.map(([schema, table]) => `${schema}.${table}`) };
  }

  async #listToc(file: string, signal: AbortSignal | undefined): Promise<string> {
    const { stdout } = await runCommand({
      name: 'pg_restore',
      file: this.#binary('pg_restore'),
      args: ['--list', file],
      installHint: INSTALL_HINT,
      signal,
      context: `reading the table of contents for ${this.target}`,
    });
    return stdout;
  }

  #binary(program: 'pg_dump' | 'pg_restore' | 'psql'): string {
    const binaries = this.options.binaries ?? {};
    if (program === 'pg_dump') return binaries.pgDump ?? 'pg_dump';
    if (program === 'pg_restore') return binaries.pgRestore ?? 'pg_restore';
    return binaries.psql ?? 'psql';
  }

  #spec(
    program: 'pg_dump' | 'pg_restore' | 'psql',
    args: readonly string[],
    credentials: Credentials,
    extra: { signal: AbortSignal | undefined; context: string; connection?: PgConnection },
  ): ProcessSpec {
    const connection = extra.connection ?? this.connection;
    return {
      name: program,
      file: this.#binary(program),
      args: [...args, `--dbname=${toConninfo(connection.params)}`],
      env: credentials.env,
      secrets: this.secrets,
      installHint: INSTALL_HINT,
      context: extra.context,
      signal: extra.signal,
    };
  }

  async #credentials(connection: PgConnection): Promise<Credentials> {
    const password = connection.password;
    if (!password) return { env: {}, close: async () => {} };
    if (/[\r\n]/.test(password)) {
      // A .pgpass line cannot hold a newline; the child's environment can (never argv).
      return { env: { PGPASSWORD: password, PGPASSFILE: undefined }, close: async () => {} };
    }
    const file = await createPgpassFile(password);
    const credentials: Credentials = {
      env: { PGPASSFILE: file.path, PGPASSWORD: undefined },
      close: () => file.close(),
    };
    this.#live.add(credentials);
    return credentials;
  }

  async #release(credentials: Credentials | undefined): Promise<void> {
    if (!credentials) return;
    this.#live.delete(credentials);
    await credentials.close();
  }
}
