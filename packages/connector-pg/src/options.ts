/** Paths of the PostgreSQL client programs the connector runs. */
export interface PgBinaries {
  /**
   * The `pg_dump` program. Point it at a newer client when the server is newer than the default one
   * (`/usr/lib/postgresql/17/bin/pg_dump`).
   * @default 'pg_dump'
   */
  pgDump?: string;
  /**
   * The `pg_restore` program.
   * @default 'pg_restore'
   */
  pgRestore?: string;
  /**
   * The `psql` program (used by `check()`, `describe()`, `rowCounts()`, `estimateSize()` and PostGIS set-up).
   * @default 'psql'
   */
  psql?: string;
  /**
   * The `pg_basebackup` program (used by `bk dbbackup --physical`).
   * @default 'pg_basebackup'
   */
  pgBasebackup?: string;
}

/** How the PostGIS variant prepares the target database before a restore. */
export interface PgPostgisOptions {
  /**
   * Connection URL of a role allowed to create the extension (usually a superuser). When it names
   * no database, the target database is used. Its password is kept out of argv like the main one.
   * @default the connector's own connection
   */
  adminUrl?: string;
  /**
   * A role to `SET ROLE` to on the connector's own connection before creating the extension
   * (the connector's user must be a member of it). Ignored when `adminUrl` is set.
   * @default undefined (no `SET ROLE`)
   */
  adminRole?: string;
  /**
   * Extensions to create, in order.
   * @default ['postgis']
   */
  extensions?: readonly string[];
}

/** Connection settings. Each one overrides the matching part of `url`. */
export interface PgConnectionOptions {
  /**
   * A `postgres://` or `postgresql://` URL (libpq URI syntax). Any part can be overridden by the
   * fields below.
   * @default undefined (libpq defaults: PGHOST, PGUSER... from the environment)
   */
  url?: string;
  /**
   * Host name, IP address, or a directory holding the server's unix socket (`/var/run/postgresql`).
   * Several hosts may be given comma-separated, as libpq allows.
   * @default libpq's default (PGHOST or the local unix socket)
   */
  host?: string;
  /**
   * Port number.
   * @default 5432 (or PGPORT)
   */
  port?: number | string;
  /**
   * Role to connect as.
   * @default libpq's default (PGUSER or the operating-system user)
   */
  user?: string;
  /**
   * Password. Written to a 0600 `PGPASSFILE` for the duration of each command; never in argv.
   * @default undefined (libpq looks in PGPASSWORD, ~/.pgpass, or needs none)
   */
  password?: string;
  /**
   * Database name.
   * @default libpq's default (PGDATABASE or the user name)
   */
  database?: string;
  /**
   * libpq `sslmode`: `disable`, `allow`, `prefer`, `require`, `verify-ca`, `verify-full`.
   * @default libpq's default (`prefer`)
   */
  sslmode?: string;
  /**
   * A libpq service name from `pg_service.conf` (`PGSERVICEFILE`).
   * @default undefined
   */
  service?: string;
  /**
   * Any other libpq connection parameters (`application_name`, `connect_timeout`, `sslrootcert`,
   * `options`, `target_session_attrs`...). `sslpassword` is refused: libpq can only take it from
   * a command-line connection string, which would expose it.
   * @default {}
   */
  params?: Readonly<Record<string, string>>;
}

/** Options of {@link PgConnector}. */
export interface PgConnectorOptions extends PgConnectionOptions {
  /**
   * pg_dump compression level (`--compress`), 0 (none) to 9.
   * @default undefined (pg_dump's default, gzip level 6 for the custom format)
   */
  compressionLevel?: number;
  /**
   * Tables left out of the dump entirely (`--exclude-table`), as pg_dump patterns: `audit_log`,
   * `public.audit_*`, `"MixedCase"`.
   * @default []
   */
  excludeTables?: readonly string[];
  /**
   * Tables whose definition is dumped but not their rows (`--exclude-table-data`), as pg_dump patterns.
   * @default []
   */
  excludeTableData?: readonly string[];
  /**
   * Only these schemas are dumped (`--schema`), as pg_dump patterns. Large objects are then left
   * out unless `extraDumpArgs` contains `--blobs`.
   * @default [] (every schema)
   */
  schemas?: readonly string[];
  /**
   * Extra pg_dump arguments, appended as given (`['--no-comments']`). Never put a secret here.
   * @default []
   */
  extraDumpArgs?: readonly string[];
  /**
   * Drop each object before recreating it (`--clean --if-exists`). Everything happens in one
   * transaction either way.
   * @default true
   */
  clean?: boolean;
  /**
   * Do not restore ownership (`--no-owner`): objects belong to the restoring role.
   * @default false
   */
  noOwner?: boolean;
  /**
   * Do not restore privileges (`--no-acl`).
   * @default false
   */
  noAcl?: boolean;
  /**
   * Restore only these schemas (`pg_restore --schema`). Makes the restore selective.
   * @default [] (everything in the backup)
   */
  restoreSchemas?: readonly string[];
  /**
   * Restore only these tables (`pg_restore --table`: definition and data, not their indexes or
   * dependent objects). Makes the restore selective.
   * @default [] (everything in the backup)
   */
  restoreTables?: readonly string[];
  /**
   * Extra pg_restore arguments, appended as given (`['--no-comments']`). Never put a secret here.
   * @default []
   */
  extraRestoreArgs?: readonly string[];
  /**
   * PostGIS variant: create the extension (`CREATE EXTENSION IF NOT EXISTS postgis`) before each
   * restore, optionally as an admin role. `true` uses the connector's own connection.
   * @default false
   */
  postgis?: boolean | PgPostgisOptions;
  /**
   * Sessions used by `restorePgParallel` (and `bk dbrestore --jobs`): the backup is restored into a
   * scratch database by this many sessions, each data session reading the backup from the remote,
   * then swapped in by a rename once every read matched the manifest. See the README.
   * @default undefined (`restorePgParallel` uses 2; `restore()` always uses one session)
   */
  parallelRestore?: number;
  /**
   * Paths of the client programs.
   * @default { pgDump: 'pg_dump', pgRestore: 'pg_restore', psql: 'psql' }
   */
  binaries?: PgBinaries;
}
