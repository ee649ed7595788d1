import type { KeepPolicy } from '@bk/core';
import type { OpsConfig, OpsConfigKeys } from './ops-config.js';

/** The built-in connectors a database entry can name with `connector`. */
export type ConnectorName = 'pg' | 'mysql' | 'sqlite' | 'mongo';

/** How bk runs rclone (`rclone` in the config). */
export interface RcloneConfig {
  /**
   * rclone config file (`--config`), relative to the bk config file.
   * @default rclone's own lookup (`~/.config/rclone/rclone.conf`)
   */
  configFile?: string;
  /** Extra global flags for every rclone call, such as `["--s3-chunk-size", "64M"]`. @default [] */
  flags?: string[];
  /**
   * Extra environment for rclone (`RCLONE_CONFIG_<NAME>_<KEY>` remotes, obscured passwords).
   * @default {}
   */
  env?: Record<string, string>;
  /** Path or name of the rclone binary. @default "rclone" */
  binary?: string;
}

/**
 * A database given as an options object. Every key besides `connector`, `url` and `passwordFile`
 * is passed to the connector's factory (`path` for SQLite, `excludeTables`, `dumpArgs`, ...).
 */
export interface DatabaseConfig {
  /**
   * The connector: a built-in one (`pg`, `mysql`, `sqlite`, `mongo`), or a custom one given as a
   * package name (`"@acme/bk-connector-redis"`) or a path relative to the config file
   * (`"./connectors/redis.mjs"`) whose module exports `createConnector(options)`, called with this
   * object minus `connector`, `keep` and `passwordFile` (and with `password` read from `passwordFile`).
   * @default chosen from the scheme of `url`
   */
  connector?: ConnectorName | (string & {});
  /**
   * Connection URL (`postgres://`, `mysql://`, `mariadb://`, `sqlite:`, `mongodb://`; any scheme for
   * a custom connector). @default undefined
   */
  url?: string;
  /**
   * A file holding the password (first line, trailing newline removed), relative to the config file.
   * Keeps the secret out of the config and out of argv. @default undefined
   */
  passwordFile?: string;
  /** SQLite database file, relative to the config file. @default undefined */
  path?: string;
  /** Retention policy of this database; overrides `db.keep`. @default db.keep */
  keep?: KeepPolicy;
  /** Connector options. */
  [option: string]: unknown;
}

/** Database backup settings (`db` in the config). */
export interface DbConfig {
  /**
   * Backup object name; placeholders `{database}`, `{datetime}`, `{ext}`, `{host}`.
   * Must contain `{database}` and `{datetime}`.
   * @default "{database}-{datetime}.{ext}"
   */
  filenameTemplate?: string;
  /** Retention policy used by `bk cleanup` and `bk dbbackup --clean`. @default undefined (keep everything) */
  keep?: KeepPolicy;
  /** How many databases `bk dbbackup --all` backs up at once. @default 2 */
  concurrency?: number;
  /**
   * Count every table's rows (exactly, `count(*)`) before each backup and record the counts in the
   * manifest, where `bk dbrestore --to URL --check` compares them with the restored copy. The
   * count reads every row once, so on a large database it costs seconds per backup; `false` skips
   * it (drills with `--check` then refuse that backup). @default true
   */
  countRows?: boolean;
}

/** Media sync settings (`media` in the config). */
export interface MediaConfig {
  /** The local media directory, relative to the config file. */
  root: string;
  /** rclone filter globs of files to leave out. @default [] */
  exclude?: string[];
  /** Retention policy for media snapshots. @default undefined (keep everything) */
  keep?: KeepPolicy;
  /**
   * `bk mediabackup` refuses (exit 2, nothing synced) when the sync would delete more than this
   * share of the remote's files, unless `--force`: an unmounted or half-copied media volume must
   * not empty the mirror. A number from 0 to 1. @default 0.5
   */
  maxDeleteShare?: number;
}

/**
 * The bk config file (`bk.config.json`, `bk.config.ts`, `bk.config.mjs`, `bk.config.js`).
 * String values may use `${VAR}` (or `${VAR:-default}`) to read environment variables.
 */
export interface BkConfig extends OpsConfigKeys {
  /**
   * Where backups go: an rclone remote (`offsite:myapp`), a connection string
   * (`:sftp,host=example.com:backups`), or a local directory (relative to the config file).
   * @default the `BK_REMOTE` environment variable
   */
  remote?: string;
  /** How to run rclone. @default {} */
  rclone?: RcloneConfig;
  /**
   * Databases by alias: a connection URL or an options object.
   * @default `{ default: process.env.DATABASE_URL }` when `DATABASE_URL` is set
   */
  databases?: Record<string, string | DatabaseConfig>;
  /** Database backup settings. @default {} */
  db?: DbConfig;
  /** Media sync settings. @default undefined (no media) */
  media?: MediaConfig;
}

/** A database entry after loading: connector chosen, paths absolute, secrets read. */
export interface ResolvedDatabase {
  /** The alias (`default`). */
  name: string;
  /** The built-in connector, or `custom` for a connector loaded from {@link ResolvedDatabase.module}. */
  connector: ConnectorName | 'custom';
  /** The `file:` URL of a custom connector's module (when `connector` is `custom`). */
  module?: string;
  /** What is passed to the connector factory. */
  options: Record<string, unknown>;
  /** Its own retention policy (`databases.<name>.keep`), when set; else `db.keep` applies. */
  keep?: KeepPolicy;
}

/** The config after loading, validation, env interpolation and path resolution. */
export interface ResolvedConfig {
  /** The config file read, or `undefined` when the config came from the environment only. */
  file: string | undefined;
  /** The remote (local directories made absolute), or `undefined` when none is set. */
  remote: string | undefined;
  /** rclone settings, `configFile` absolute. */
  rclone: RcloneConfig;
  /** Databases by alias, in config order. */
  databases: ResolvedDatabase[];
  /** Backup settings with defaults applied. */
  db: {
    filenameTemplate: string | undefined;
    keep: KeepPolicy | undefined;
    concurrency: number;
    countRows: boolean;
  };
  /** Media settings, `root` absolute. */
  media: MediaConfig | undefined;
  /** Notifications, run log, metrics file and scheduled jobs. */
  ops: OpsConfig;
}
