import { AbortedError } from '../errors/aborted-error.js';
import { BkError } from '../errors/bk-error.js';

/**
 * Returns `error` when it is already a bk error (including `@bk/rclone`'s), else wraps it so
 * events and callers always see a `BkError` with a code and category. `aborted` forces an
 * {@link AbortedError}.
 */
export function toBkError(error: unknown, what: string, aborted = false): BkError {
  if (aborted) return new AbortedError(what, { cause: error });
  if (BkError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new BkError('BK_FAILED', `${what} failed: ${message}`, { cause: error });
}
