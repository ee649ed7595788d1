import type { Storage } from '../contracts/storage.js';

/** The content of a lock object (one JSON line). */
export interface LockInfo {
  /** Lock format version. */
  formatVersion: 1;
  /** What the lock protects (`db/default`). */
  scope: string;
  /** What the holder is doing (`backup`, `restore`, `cleanup`). */
  operation: string;
  /** Host name of the holder. */
  host: string;
  /** Process id of the holder on `host`. */
  pid: number;
  /** ISO 8601 UTC time the lock was taken. */
  startedAt: string;
  /** ISO 8601 UTC time the holder last refreshed the lock (the holder refreshes it while it runs). */
  refreshedAt: string;
}

/** Options of {@link acquireLock}. */
export interface AcquireLockOptions {
  /** Where the lock lives (the same remote as the backups). */
  storage: Storage;
  /** What to lock, usually the database alias. Letters, digits, `_`, `.`, `-`. */
  name: string;
  /**
   * Directory of lock objects relative to the remote base; the lock lives in `<dir>/<name>/`.
   * Media uses `MEDIA_LOCK_DIR`. @default "db/.locks" (`LOCK_DIR`)
   */
  dir?: string;
  /** How errors name what is locked. @default `database "<name>"` */
  label?: string;
  /** What the holder does, shown to whoever waits. @default "bk" */
  operation?: string;
  /**
   * How long to wait for another holder to finish before failing with `LockHeldError`.
   * @default 0 (fail at once)
   */
  waitMs?: number;
  /**
   * A lock not refreshed for this long is stale and is removed by the next contender. The holder
   * refreshes its lock every `staleAfterMs / 4`. @default 600000 (10 minutes)
   */
  staleAfterMs?: number;
  /** Delay between attempts while waiting (a random jitter of up to half is added). @default 1000 */
  retryMs?: number;
  /** Host name recorded in the lock. @default os.hostname() */
  host?: string;
  /** Process id recorded in the lock. @default process.pid */
  pid?: number;
  signal?: AbortSignal;
}

/** A held lock: release it with `release()` or `await using`. */
export interface RemoteLock extends AsyncDisposable {
  /** The lock object's path relative to the remote base. */
  readonly path: string;
  /** What was written into it. */
  readonly info: LockInfo;
  /** Stops refreshing and deletes the lock object (best effort; never throws). */
  release(): Promise<void>;
}
