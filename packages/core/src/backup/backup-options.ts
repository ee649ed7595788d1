import type { Connector } from '../contracts/connector.js';
import type { Storage } from '../contracts/storage.js';
import type { BkEventListener } from '../events.js';
import type { BackupInfo } from '../manifest/types.js';
import type { KeepPolicy } from '../retention/types.js';

/** Options of {@link backupDatabase}. */
export interface BackupOptions {
  /** Where the backup goes. */
  storage: Storage;
  /** The database engine's connector. */
  connector: Connector;
  /** Database alias (`default`), used in the name and the manifest. */
  database: string;
  /**
   * Object name template; see `validateFilenameTemplate`.
   * @default "{database}-{datetime}.{ext}"
   */
  filenameTemplate?: string;
  /** Retention applied after a successful backup (never after a failed one). @default undefined (keep all) */
  keep?: KeepPolicy;
  /** Record per-table row counts in the manifest when the connector can count rows. @default true */
  countRows?: boolean;
  /**
   * The caller ran `storage.check()` just before (as `bk dbbackup` does once for all databases), so
   * the backup skips its own check and saves a listing of the remote. @default false
   */
  remoteChecked?: boolean;
  /** Aborting stops the dump and the upload and removes the staged object. */
  signal?: AbortSignal;
  /** Receives `started`, `progress`, `completed` or `failed`, and retention `info` events. */
  onEvent?: BkEventListener;
  /** Clock, for tests. @default () => new Date() */
  now?: () => Date;
  /** Host name recorded in the manifest and available as `{host}`. @default os.hostname() */
  host?: string;
}

/** What {@link backupDatabase} made and what retention removed. */
export interface BackupResult {
  /** The new, complete backup. */
  backup: BackupInfo;
  /** Backups removed by retention (empty without `keep`). */
  pruned: BackupInfo[];
}
