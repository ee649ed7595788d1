import { BkError } from '@bk/core';

/**
 * Some of the work of a command failed (each failure was already reported). Carries the command's
 * result so `--json` can still show what succeeded. The CLI exits 1.
 */
export class CommandFailedError extends BkError {
  /** The result object for `--json`. */
  readonly result: Record<string, unknown>;

  constructor(message: string, result: Record<string, unknown>, options: { hint?: string } = {}) {
    super('BK_COMMAND_FAILED', message, { category: 'operation', ...options });
    this.name = 'CommandFailedError';
    this.result = result;
  }
}
