export { acquireLock, DEFAULT_LOCK_STALE_MS, LOCK_DIR, MEDIA_LOCK_DIR, withLock } from './acquire-lock.js';
export { LockHeldError } from './lock-held-error.js';
export type { AcquireLockOptions, LockInfo, RemoteLock } from './lock-types.js';
