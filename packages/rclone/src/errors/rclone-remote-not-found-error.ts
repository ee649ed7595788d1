import { RcloneError, type RcloneErrorFields } from './rclone-error.js';

/**
 * The remote is not configured ("didn't find section in config file") or names a backend rclone
 * does not have. A configuration error: code `BK_RCLONE_REMOTE_NOT_FOUND`, category `config`.
 */
export class RcloneRemoteNotFoundError extends RcloneError {
  constructor(message: string, fields: RcloneErrorFields = {}) {
    super(message, {
      hint: 'run `rclone config` to create the remote, define it with RCLONE_CONFIG_<NAME>_TYPE=..., or fix `remote`',
      ...fields,
      code: 'BK_RCLONE_REMOTE_NOT_FOUND',
      category: 'config',
    });
    this.name = 'RcloneRemoteNotFoundError';
  }
}
