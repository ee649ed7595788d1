import { BkError } from './bk-error.js';

const abortedErrorMarker = Symbol.for('bk.error.AbortedError');

/** The operation was cancelled through its `AbortSignal` (Ctrl-C in the CLI, exit 130). */
export class AbortedError extends BkError {
  readonly [abortedErrorMarker] = true;

  /**
   * True for a `AbortedError` (or a subclass) from any copy of `@bk/core`: checks a global marker, not
   * the prototype, so it holds where `instanceof` fails (two installed copies of the package).
   */
  static override isInstance(value: unknown): value is AbortedError {
    return (
      BkError.isInstance(value) && (value as unknown as Record<symbol, unknown>)[abortedErrorMarker] === true
    );
  }

  constructor(what: string, options: { cause?: unknown } = {}) {
    super('BK_ABORTED', `${what} was interrupted`, { category: 'interrupted', cause: options.cause });
    this.name = 'AbortedError';
  }
}
