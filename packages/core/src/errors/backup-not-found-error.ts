import { BkError } from './bk-error.js';

/** No complete backup matches what was asked for. */
export class BackupNotFoundError extends BkError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('BK_BACKUP_NOT_FOUND', message, {
      hint: options.hint ?? 'run bk listbackups to see the complete backups',
      cause: options.cause,
    });
    this.name = 'BackupNotFoundError';
  }
}
