import { BkError } from '@bk/core';

/** The command line asked for something that cannot be done as asked. The CLI exits 2; nothing was changed. */
export class UsageError extends BkError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('BK_USAGE', message, { category: 'usage', ...options });
    this.name = 'UsageError';
  }
}
