import { BkError, type BkErrorOptions } from '../errors/bk-error.js';
import type { LockInfo } from './lock-types.js';

/**
 * Another bk run holds the lock of this database on this remote. The CLI exits 1; nothing was
 * changed. `holder` says who (host, pid, operation, since when).
 */
export class LockHeldError extends BkError {
  /** The lock that is held, as its holder wrote it. */
  readonly holder: LockInfo;

  constructor(scope: string, holder: LockInfo, options: BkErrorOptions = {}) {
    super(
      'BK_LOCK_HELD',
      `${scope} is locked by ${holder.operation} on ${holder.host} (pid ${holder.pid}) since ${holder.startedAt}`,
      {
        hint: 'wait for that run to finish (or pass --wait), or delete the lock object if that run is gone',
        ...options,
      },
    );
    this.name = 'LockHeldError';
    this.holder = holder;
  }
}
