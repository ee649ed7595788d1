import type { Readable, Writable } from 'node:stream';

const ignore = () => {};

/**
 * Ends `stream` abnormally after a failure: destroyed with `error`, never a normal end, so no
 * consumer takes a failed dump for a complete one (a pipeline, `for await` or an `error` listener
 * sees `error`; a `.pipe()` destination is never ended). A no-op listener is added first, so a
 * stream nobody listens to (the caller learns of the failure through `done`) never crashes the
 * process with an unhandled `error` event.
 */
export function failStream(stream: Readable | Writable, error: Error): void {
  if (stream.destroyed) return;
  stream.on('error', ignore);
  stream.destroy(error);
}
