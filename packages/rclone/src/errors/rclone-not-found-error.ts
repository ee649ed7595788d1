import { RcloneError, type RcloneErrorFields } from './rclone-error.js';

/**
 * The file or directory does not exist on the remote (rclone exit 3 or 4, or exit 1 with
 * "doesn't exist" / "no such file or directory"). Code `BK_RCLONE_NOT_FOUND`.
 */
export class RcloneNotFoundError extends RcloneError {
  constructor(message: string, fields: RcloneErrorFields = {}) {
    super(message, { ...fields, code: 'BK_RCLONE_NOT_FOUND', category: 'operation' });
    this.name = 'RcloneNotFoundError';
  }
}
