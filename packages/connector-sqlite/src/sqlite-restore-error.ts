import { BkError, type BkErrorOptions } from '@bk/core';

/**
 * A SQLite restore was refused after sqlite3 ran: the input was not a complete `.dump` (it did not
 * end with `COMMIT;`), or the new file failed its check (`PRAGMA quick_check`, or `PRAGMA integrity_check`
 * with `integrityCheck: 'full'`). The target is unchanged.
 */
export class SqliteRestoreError extends BkError {
  /** The database file that was to be replaced (and was left as it was). */
  readonly path: string;

  constructor(path: string, reason: string, options: BkErrorOptions = {}) {
    super('BK_SQLITE_RESTORE_REFUSED', `restore of ${path} refused: ${reason}; the file was not changed`, {
      hint: 'check that the input is a complete bk SQLite backup (bk verify), then try again',
      ...options,
    });
    this.name = 'SqliteRestoreError';
    this.path = path;
  }
}
