import { AbortedError } from '../errors/aborted-error.js';

/** Throws an {@link AbortedError} for `what` when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new AbortedError(what, { cause: signal.reason });
}

/** True when `error` reports an interruption (ours or rclone's `BK_ABORTED`). */
export function isAbortError(error: unknown): boolean {
  const value = error as { code?: unknown; category?: unknown; name?: unknown } | undefined;
  return value?.code === 'BK_ABORTED' || value?.category === 'interrupted' || value?.name === 'AbortError';
}

/**
 * An `AbortController` that also aborts when `parent` does, so one pipeline can stop its own
 * processes (when the other side failed) and still obey the caller's signal.
 */
export function linkedController(parent: AbortSignal | undefined): {
  controller: AbortController;
  dispose: () => void;
} {
  const controller = new AbortController();
  if (!parent) return { controller, dispose: () => {} };
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { controller, dispose: () => {} };
  }
  const onAbort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  return { controller, dispose: () => parent.removeEventListener('abort', onAbort) };
}
