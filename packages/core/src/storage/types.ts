import type { Rclone, RcloneOptions } from '@bk/rclone';

/** Options of `RcloneStorage`. */
export interface RcloneStorageOptions {
  /**
   * Where backups live: an rclone remote (`offsite:myapp`), a connection string
   * (`:sftp,host=example.com:backups`), or a local directory (`/var/backups/app`, `./backups`).
   */
  remote: string;
  /** An `Rclone` instance, or options to create one. @default new Rclone() */
  rclone?: Rclone | RcloneOptions;
  /**
   * Skip rclone's own checksum on upload because bk hashes every byte itself and checks the
   * stored size: about 3.5× faster uploads on local remotes. @default true
   */
  ignoreChecksum?: boolean;
}
