import { BkError } from './bk-error.js';

/** A program bk needs is not installed or not on PATH. The CLI exits 2. */
export class BinaryNotFoundError extends BkError {
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
