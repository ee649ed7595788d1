import type { Readable } from 'node:stream';

/** How to run rclone. Every option is optional; defaults run `rclone` from PATH with its own config. */
export interface RcloneOptions {
  /**
   * Path or name of the rclone binary.
   * @default "rclone"
   */
  binary?: string;
  /** rclone config file (`--config`). @default rclone's own lookup */
  configFile?: string;
  /** Extra global flags added to every call, such as `["--s3-chunk-size", "64M"]`. @default [] */
  flags?: readonly string[];
  /**
   * Extra environment for rclone, merged over `process.env`: `RCLONE_CONFIG_<NAME>_<KEY>` remotes,
   * obscured passwords. A value of `undefined` removes that variable from rclone's environment.
   * @default {}
   */
  env?: Record<string, string | undefined>;
  /**
   * Values to mask in error messages and logged commands (for example crypt passwords).
   * @default []
   */
  secrets?: readonly string[];
  /** Called with every command line before it runs (secrets redacted). @default undefined */
  onCommand?: (command: string) => void;
}

/** Options every call takes. */
export interface RcloneCallOptions {
  /**
   * Aborting kills rclone (SIGTERM, then SIGKILL after 3 s); the call rejects with `RcloneAbortedError`.
   * @default undefined
   */
  signal?: AbortSignal;
  /** Extra flags for this call only, after the global `flags`. @default [] */
  flags?: readonly string[];
  /**
   * Receives every NOTICE, WARNING and ERROR message rclone logs while the call runs (skipped
   * symlinks, duplicate names, retried transfers): messages that do not fail the call by themselves
   * but may mean a file was left out. With a listener the call runs with `--use-json-log`, so each
   * notice names its object. @default undefined
   */
  onNotice?: ((notice: RcloneNotice) => void) | undefined;
}

/** One message rclone logged at NOTICE level or above (not stats, not the config-file chatter). */
export interface RcloneNotice {
  /** rclone's JSON log level: `warning` (rclone's NOTICE), `error`, `critical`, ... */
  level: string;
  /** The message text, without timestamp, level or object. */
  message: string;
  /** The object (file path, or a description of the remote) the message is about, when rclone named one. */
  object?: string;
  /** The Go type of `object` (`*local.Object`, `*local.Fs`, ...): a `Fs` is a remote, not a file. */
  objectType?: string;
}

/** Transfer statistics from rclone's `--use-json-log --stats` lines. */
export interface RcloneProgress {
  /** Bytes transferred so far. */
  bytes: number;
  /**
   * Total bytes expected, when known. For `rcat` this is `sizeHint` (rclone itself only knows the
   * bytes read so far from a stream).
   */
  totalBytes: number | undefined;
  /** Current speed in bytes per second. */
  speed: number;
  /** Files transferred so far. */
  transfers: number;
  /** Files expected in total. */
  totalTransfers: number | undefined;
  /** Files checked (unchanged) so far. */
  checks: number;
  /** Files deleted so far. */
  deletes: number;
  /** Seconds elapsed. */
  elapsedTime: number;
}

/** Options of calls that report progress. */
export interface RcloneProgressOptions extends RcloneCallOptions {
  /**
   * Receives one progress report per `statsInterval` (parsed from `--use-json-log --stats` lines
   * on stderr; never `-P`, which writes to stdout). @default undefined
   */
  onProgress?: (progress: RcloneProgress) => void;
  /** How often rclone reports progress. @default "1s" */
  statsInterval?: string;
}

/** One entry of `rclone lsjson`. */
export interface RcloneEntry {
  /** Path relative to the listed directory (`sub/file.txt` with `recursive`). */
  Path: string;
  /** Base name. */
  Name: string;
  /** Size in bytes; `-1` for directories and for objects of unknown size. */
  Size: number;
  /** MIME type, when the backend knows it. */
  MimeType?: string;
  /** Modification time, RFC 3339. */
  ModTime: string;
  /** True for directories. */
  IsDir: boolean;
  /** Hashes by type (`md5`, `sha1`, ...) with the `hash` option. */
  Hashes?: Record<string, string>;
  /** Backend-specific ID, when the backend has one. */
  ID?: string;
}

/** Options of {@link Rclone.lsjson}. */
export interface LsjsonOptions extends RcloneCallOptions {
  /** `-R`. @default false */
  recursive?: boolean;
  /** `--files-only`. @default false */
  filesOnly?: boolean;
  /** `--dirs-only`. @default false */
  dirsOnly?: boolean;
  /** `--hash`, with `--hash-type` when a type is named. @default false */
  hash?: boolean | string;
  /** `--max-depth`. @default unlimited */
  maxDepth?: number;
  /** `--no-modtime` (faster on some backends). @default false */
  noModTime?: boolean;
}

/** Options of {@link Rclone.rcat}. */
export interface RcatOptions extends RcloneProgressOptions {
  /**
   * `--ignore-checksum`: skip rclone's own post-upload hash check, for callers that verify
   * integrity themselves (bk checks its own sha256). @default false
   */
  ignoreChecksum?: boolean;
  /**
   * `--size`: a size hint for backends that need one for large streams (not an integrity check:
   * local and sftp ignore it). Also reported as `totalBytes` in progress. @default undefined
   */
  sizeHint?: number;
}

/** Options of {@link Rclone.sync} and {@link Rclone.copy}. */
export interface SyncOptions extends RcloneProgressOptions {
  /**
   * `--backup-dir`: where replaced and deleted files are moved instead of being lost. Must be on
   * the same remote as the destination and not overlap it. @default undefined
   */
  backupDir?: string;
  /** `--exclude` patterns (rclone filter globs). @default [] */
  exclude?: readonly string[];
  /** `--dry-run`. @default false */
  dryRun?: boolean;
  /** `--checksum`: compare by hash, not size and time. @default false */
  checksum?: boolean;
}

/** What a sync did, from rclone's final stats and its log. */
export interface SyncResult {
  /** Files copied (new or changed). */
  transferred: number;
  /**
   * Bytes rclone accounted: what it copied plus, with `backupDir`, what it moved server-side into
   * the backup dir (rclone 1.60 counts those moves as transferred bytes).
   */
  bytes: number;
  /** Files deleted from the destination (moved into `backupDir` when one is set). */
  deleted: number;
  /** Files compared and found unchanged. */
  checks: number;
  /**
   * With `dryRun`: what would be copied (new or changed) and deleted (or, with `backupDir`, moved
   * into the backup dir), as paths relative to the source and destination roots.
   */
  planned?: { copy: string[]; delete: string[] };
}

/** A running `rclone cat`. */
export interface RcloneReadHandle {
  /**
   * The object's bytes. Ends only after rclone exited 0; destroyed with the same error as `done`
   * when rclone fails. Destroying it early kills rclone.
   */
  stream: Readable;
  /** Rejects with a typed error when rclone fails. */
  done: Promise<void>;
}

/** Options of {@link Rclone.cat}. */
export interface CatOptions extends RcloneProgressOptions {
  /** `--offset`: start reading at this byte. @default 0 */
  offset?: number;
  /** `--count`: read at most this many bytes. @default the whole object */
  count?: number;
}

/** Options of {@link Rclone.deletefile}. */
export interface DeletefileOptions extends RcloneCallOptions {
  /** Resolve instead of throwing `RcloneNotFoundError` when the file does not exist. @default false */
  ignoreMissing?: boolean;
}

/** Options of {@link Rclone.run}. */
export interface RunOptions extends RcloneCallOptions {
  /** Text written to rclone's stdin (use it for secrets, never argv). @default no stdin */
  input?: string;
}

/** What {@link Rclone.version} returns. */
export interface RcloneVersion {
  /** The version without its leading `v`, such as `1.60.1-DEV`. */
  version: string;
  /** The whole output of `rclone version`. */
  raw: string;
}
