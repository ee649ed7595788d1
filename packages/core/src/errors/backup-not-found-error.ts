import { BkError } from './bk-error.js';

const backupNotFoundErrorMarker = Symbol.for('bk.error.BackupNotFoundError');

/** No complete backup matches what was asked for. */
export class BackupNotFoundError extends BkError {
  readonly [backupNotFoundErrorMarker] = true;

  /**
   * True for a `BackupNotFoundError` (or a subclass) from any copy of `@bk/core`: checks a global marker, not
   * the prototype, so it holds where `instanceof` fails (two installed copies of the package).
   */
  static override isInstance(value: unknown): value is BackupNotFoundError {
    return (
      BkError.isInstance(value) &&
      (value as unknown as Record<symbol, unknown>)[backupNotFoundErrorMarker] === true
    );
  }

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('BK_BACKUP_NOT_FOUND', message, {
      hint: options.hint ?? 'run bk listbackups to see the complete backups',
      cause: options.cause,
    });
    this.name = 'BackupNotFoundError';
  }
}
