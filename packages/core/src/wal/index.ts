export { type FetchWalOptions, type FetchWalResult, fetchWal } from './fetch-wal.js';
export {
  type ArchivedWalFile,
  type ListedBaseBackup,
  listWalArchive,
  readWalManifest,
  removeFromWalArchive,
  type WalArchive,
} from './list-wal-archive.js';
export { type PushWalOptions, type PushWalResult, pushWal } from './push-wal.js';
export { readBaseBackup } from './read-base-backup.js';
export { type StoreBaseBackupOptions, storeBaseBackup } from './store-base-backup.js';
export { WalConflictError } from './wal-conflict-error.js';
export {
  type BaseBackupManifest,
  type BaseBackupWal,
  parseBaseBackupManifest,
  parseWalManifest,
  type WalManifest,
} from './wal-manifest.js';
export {
  baseBackupDir,
  validateWalDatabase,
  validateWalName,
  WAL_DIR,
  walObjectPath,
  walPartialDir,
  walRoot,
} from './wal-paths.js';
