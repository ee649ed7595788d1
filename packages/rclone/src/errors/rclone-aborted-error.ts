import { RcloneError, type RcloneErrorFields } from './rclone-error.js';

/**
 * The call was cancelled through its `AbortSignal`; rclone was killed. Code `BK_ABORTED` (the same
 * code as `@bk/core`'s `AbortedError`), category `interrupted`. `cause` is the signal's reason.
 */
export class RcloneAbortedError extends RcloneError {
  constructor(what: string, fields: RcloneErrorFields = {}) {
    super(`${what} was interrupted`, { ...fields, code: 'BK_ABORTED', category: 'interrupted' });
    this.name = 'RcloneAbortedError';
  }
}
