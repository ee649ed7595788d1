import { BkError } from '../errors/bk-error.js';

/**
 * A WAL file of that name is already archived with other content: two clusters archive to the same
 * place, or a cluster was restored and archives a history it does not share. Nothing was changed.
 */
export class WalConflictError extends BkError {
  /** The archived object's path. */
  readonly path: string;
  /** sha256 of the archived object and of the file offered now. */
  readonly stored: string;
  readonly offered: string;

  constructor(path: string, stored: string, offered: string) {
    super(
      'BK_WAL_CONFLICT',
      `${path} is already archived with other content (sha256 ${stored.slice(0, 12)}…, this file ${offered.slice(0, 12)}…)`,
      {
        hint: 'two clusters archive to the same database alias: give each cluster its own -d NAME; the archive was not changed',
      },
    );
    this.name = 'WalConflictError';
    this.path = path;
    this.stored = stored;
    this.offered = offered;
  }
}
