import { RcloneError, type RcloneErrorFields } from './rclone-error.js';

/** The rclone binary could not be started (ENOENT). Code `BK_RCLONE_BINARY_NOT_FOUND`, category `config`. */
export class RcloneBinaryNotFoundError extends RcloneError {
  /** The binary that was looked for (`rclone` or a configured path). */
  readonly binary: string;

  constructor(binary: string, fields: RcloneErrorFields = {}) {
    super(`rclone binary not found: ${binary}`, {
      hint: 'install rclone (`apt-get install rclone`, or https://rclone.org/install/) or set its path with `binary`',
      ...fields,
      code: 'BK_RCLONE_BINARY_NOT_FOUND',
      category: 'config',
    });
    this.name = 'RcloneBinaryNotFoundError';
    this.binary = binary;
  }
}
