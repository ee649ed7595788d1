import { BkError } from './bk-error.js';

/** The operation was cancelled through its `AbortSignal` (Ctrl-C in the CLI, exit 130). */
export class AbortedError extends BkError {
  constructor(what: string, options: { cause?: unknown } = {}) {
    super('BK_ABORTED', `${what} was interrupted`, { category: 'interrupted', cause: options.cause });
    this.name = 'AbortedError';
  }
}
