import { BkError, type BkErrorOptions } from './bk-error.js';

/**
 * A restore was refused because its input holds no database: 0 bytes, or only the dump tool's
 * header (a mysqldump header with no statement and no completion line, a mongodump archive whose
 * prelude lists no collection). Raised by a connector before its restore tool starts, so the
 * target was not touched. The backup passed its sha256 check, so it was stored that way: broken
 * at backup time, or forged by whoever can write the remote.
 */
export class EmptyBackupError extends BkError {
  /** Where the restore was going, redacted. */
  readonly target: string;
  /** What was found instead of a database (`0 bytes`, `only a mysqldump header`). */
  readonly found: string;

  constructor(target: string, found: string, options: BkErrorOptions = {}) {
    super('BK_EMPTY_BACKUP', `the backup is empty (${found}): nothing was restored into ${target}`, {
      hint: 'restore an earlier backup (bk listbackups), and check how this one was made',
      ...options,
    });
    this.name = 'EmptyBackupError';
    this.target = target;
    this.found = found;
  }
}
