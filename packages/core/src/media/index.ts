export { mediaBackup } from './backup.js';
export type { ListedFile } from './listing.js';
export { findMediaSnapshot, listMediaSnapshots, parseMediaManifest } from './manifest.js';
export { MediaIntegrityError } from './media-integrity-error.js';
export type { HistoryIndex } from './resolve.js';
export { mediaRestore } from './restore.js';
export {
  neededHistoryStamps,
  type PruneMediaOptions,
  type PruneMediaResult,
  pruneMediaSnapshots,
} from './retention.js';
export type { MediaNoticeKind, MediaWarning } from './skip-notices.js';
export {
  formatStamp,
  isStamp,
  MEDIA_CURRENT,
  MEDIA_HISTORY,
  MEDIA_PARTIAL,
  MEDIA_RESTORE_STAGING_PREFIX,
  MEDIA_SNAPSHOTS,
  validateStamp,
} from './stamp.js';
export type {
  MediaBackupOptions,
  MediaBackupResult,
  MediaFileEntry,
  MediaManifest,
  MediaRestoredFile,
  MediaRestoreOptions,
  MediaRestoreResult,
  MediaSnapshotInfo,
  MediaStorage,
} from './types.js';
