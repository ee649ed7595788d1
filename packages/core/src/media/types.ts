import type { Rclone } from '@bk/rclone';
import type { Storage } from '../contracts/storage.js';
import type { BkEventListener } from '../events.js';
import type { KeepPolicy } from '../retention/types.js';
import type { MediaWarning } from './skip-notices.js';

/**
 * What media sync needs from a storage: the {@link Storage} contract plus direct access to rclone
 * (for `sync`, `copy`, `lsjson`) and the rclone path of an object. `RcloneStorage` satisfies it.
 */
export interface MediaStorage extends Storage {
  /** The rclone wrapper the storage runs. */
  readonly rclone: Rclone;
  /** The rclone path (`remote:base/<path>`) of a path relative to the storage's base. */
  remotePath(path: string): string;
}

/** One file of a media snapshot. */
export interface MediaFileEntry {
  /** Path relative to the media root, `/`-separated. */
  path: string;
  /** Size in bytes. */
  size: number;
  /** Modification time, ISO 8601 as the remote reported it. */
  modTime: string;
  /** Content hash of type {@link MediaManifest.hashType}; absent only if the remote could not give one. */
  hash?: string;
}

/** The manifest of one complete media snapshot, stored as `media/snapshots/<stamp>.json`. */
export interface MediaManifest {
  /** Always `bk-media-snapshot`. */
  format: 'bk-media-snapshot';
  /** Manifest format version. */
  version: 1;
  /** `YYYY-MM-DD-HHMMSS` (UTC), unique and increasing on a remote. */
  stamp: string;
  /** When the backup started (ISO 8601 UTC). */
  createdAt: string;
  /** When the sync finished and the listing was taken (ISO 8601 UTC). */
  finishedAt: string;
  /** Host that made the snapshot. */
  host: string;
  /** rclone hash type of every `hash` (`md5`, `sha1`, …). */
  hashType: string;
  /**
   * True when the remote computes `hashType` itself, so restore compares remote files by size and
   * hash. False (crypt, for example): hashes were taken by downloading, and restore picks remote
   * files by size and modification time, then checks the hash of the restored copy.
   */
  remoteHashes: boolean;
  /** The exclude patterns in force; restore's `delete` never removes files they match. */
  exclude: string[];
  /** Number of files. */
  files: number;
  /** Total bytes. */
  bytes: number;
  /** Every file, sorted by path. */
  entries: MediaFileEntry[];
}

/** A complete media snapshot, as listed. */
export interface MediaSnapshotInfo {
  /** `YYYY-MM-DD-HHMMSS` (UTC); what `mediaRestore({ at })` accepts. */
  stamp: string;
  /** When the backup started (ISO 8601 UTC), from the manifest. */
  createdAt: string;
  /** Number of files. */
  files: number;
  /** Total bytes. */
  bytes: number;
  /** The manifest's path relative to the storage base (`media/snapshots/<stamp>.json`). */
  path: string;
}

/** Options of {@link mediaBackup}. */
export interface MediaBackupOptions {
  /** Where to back up to. */
  storage: MediaStorage;
  /** The local media directory (config `media.root`). */
  root: string;
  /** rclone filter globs of files to leave out (config `media.exclude`). @default [] */
  exclude?: readonly string[];
  /** Retention applied after a successful backup (config `media.keep`). @default keep everything */
  keep?: KeepPolicy;
  /** Run even if the sync would delete more than `maxDeleteRatio` of the remote files, or all of them. @default false */
  force?: boolean;
  /** Largest share of the remote's files one backup may delete (move into history) without `force`. @default 0.5 */
  maxDeleteRatio?: number;
  /** Report what would be transferred and deleted; change nothing. @default false */
  dryRun?: boolean;
  /** Cancels the backup: no manifest is written, the previous snapshot stays restorable. */
  signal?: AbortSignal;
  /** Receives progress events (operation `mediabackup`, database `media`). */
  onEvent?: BkEventListener;
  /** Clock, for tests. @default () => new Date() */
  now?: () => Date;
  /** Host name recorded in the manifest. @default os.hostname() */
  host?: string;
}

/** What {@link mediaBackup} did (or, with `dryRun`, would do). */
export interface MediaBackupResult {
  /** The snapshot made (with `dryRun`: the one that would be made; no manifest exists). */
  snapshot: MediaSnapshotInfo;
  /** Files uploaded (new or changed). */
  transferred: number;
  /** Files deleted from `current`, which rclone moved into `media/history/<stamp>`. */
  deleted: number;
  /** Files already up to date on the remote. */
  unchanged: number;
  /** Bytes uploaded (new and changed files; server-side moves into history are not counted). */
  bytes: number;
  /** Snapshots removed by retention. */
  pruned: MediaSnapshotInfo[];
  /**
   * Files rclone left out without failing (symlinks, FIFOs, files changed during upload, other
   * notices); each was also sent as a `warning` event. Skips that lose a file fail the run instead.
   */
  warnings: MediaWarning[];
  /** True when nothing was changed. */
  dryRun: boolean;
}

/** Options of {@link mediaRestore}. */
export interface MediaRestoreOptions {
  /** Where the snapshots are. */
  storage: MediaStorage;
  /** The local media directory to restore into (created if missing). */
  root: string;
  /** Stamp of the snapshot to restore. @default the latest */
  at?: string;
  /** Also delete local files that are not in the snapshot (never files the snapshot's excludes match). @default false */
  delete?: boolean;
  /** Report what would change; change nothing. @default false */
  dryRun?: boolean;
  /** Cancels the restore. */
  signal?: AbortSignal;
  /** Receives progress events (operation `mediarestore`, database `media`). */
  onEvent?: BkEventListener;
}

/** One file written by a restore. */
export interface MediaRestoredFile {
  /** Path relative to the media root. */
  path: string;
  /** Size in bytes. */
  size: number;
  /** Where it came from: `current` or `history/<stamp>` (under `media/`). */
  source: string;
}

/** What {@link mediaRestore} did (or, with `dryRun`, would do). */
export interface MediaRestoreResult {
  /** The snapshot restored. */
  snapshot: MediaSnapshotInfo;
  /** Files written. */
  restored: MediaRestoredFile[];
  /** Local files deleted (only with `delete`). */
  deleted: string[];
  /** Files already identical locally (only their modification time may have been fixed). */
  unchanged: number;
  /** Bytes written. */
  bytes: number;
  /** True when nothing was changed. */
  dryRun: boolean;
}
