import { RcloneStorage } from './rclone-storage.js';
import type { RcloneStorageOptions } from './types.js';

/**
 * Creates the default storage for `remote`: an rclone remote (`offsite:myapp`), a connection
 * string (`:sftp,host=h:backups`) or a local directory (`./backups`).
 *
 * @example
 * ```ts
 * const storage = createStorage('./backups');
 * await storage.check();
 * ```
 */
export function createStorage(
  remote: string,
  options: Omit<RcloneStorageOptions, 'remote'> = {},
): RcloneStorage {
  return new RcloneStorage({ ...options, remote });
}
