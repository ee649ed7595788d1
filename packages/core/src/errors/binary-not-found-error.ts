import { BkError } from './bk-error.js';

const binaryNotFoundErrorMarker = Symbol.for('bk.error.BinaryNotFoundError');

/** A program bk needs is not installed or not on PATH. The CLI exits 2. */
export class BinaryNotFoundError extends BkError {
  readonly [binaryNotFoundErrorMarker] = true;

  /**
   * True for a `BinaryNotFoundError` (or a subclass) from any copy of `@bk/core`: checks a global marker, not
   * the prototype, so it holds where `instanceof` fails (two installed copies of the package).
   */
  static override isInstance(value: unknown): value is BinaryNotFoundError {
    return (
      BkError.isInstance(value) &&
      (value as unknown as Record<symbol, unknown>)[binaryNotFoundErrorMarker] === true
    );
  }

  /** The binary that was looked for. */
  readonly binary: string;

  constructor(binary: string, install: string, options: { cause?: unknown } = {}) {
    super('BK_BINARY_NOT_FOUND', `${binary} was not found on PATH`, {
      category: 'config',
      hint: install,
      cause: options.cause,
    });
    this.name = 'BinaryNotFoundError';
    this.binary = binary;
  }
}
