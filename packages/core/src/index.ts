export { backupDatabase } from './backup/backup-database.js';
export type { BackupOptions, BackupResult } from './backup/backup-options.js';
export {
  type FailureRecord,
  failureRecordPath,
  readFailureRecord,
} from './backup/failure-record.js';
export * from './contracts/index.js';
export { compareRowCounts, type RowCountDifference } from './drill/compare-row-counts.js';
export * from './dump-text/index.js';
export * from './errors/index.js';
export type { BkEvent, BkEventListener, BkOperation } from './events.js';
export { type FindBackupOptions, findBackup } from './list/find-backup.js';
export {
  compareBackups,
  compareListed,
  damagedBackupError,
  type ListBackupsOptions,
  listBackups,
} from './list/list-backups.js';
export {
  type AcquireLockOptions,
  acquireLock,
  DEFAULT_LOCK_STALE_MS,
  LOCK_DIR,
  type LockInfo,
  MEDIA_LOCK_DIR,
  type RemoteLock,
  withLock,
} from './lock/index.js';
export { LockHeldError } from './lock/lock-held-error.js';
export { type ManifestParseResult, parseManifest } from './manifest/parse.js';
export { serializeManifest } from './manifest/serialize.js';
export type { BackupDamage, BackupInfo, BackupManifest } from './manifest/types.js';
export { BK_VERSION } from './manifest/version.js';
export * from './media/index.js';
export {
  DEFAULT_FILENAME_TEMPLATE,
  type FilenameValues,
  renderFilename,
  validateFilenameTemplate,
} from './naming/filename-template.js';
export { pickFreeName } from './naming/free-name.js';
export { validateInputPath } from './naming/input-path.js';
export { formatTimestamp } from './naming/timestamp.js';
export * from './notify/index.js';
export * from './process/index.js';
export { readHead, type StreamHead } from './restore/read-head.js';
export {
  type RestoreDatabaseOptions,
  type RestoreDatabaseResult,
  restoreDatabase,
} from './restore/restore-database.js';
export { type VerifyBackupOptions, verifyBackup } from './restore/verify-backup.js';
export {
  DEFAULT_HOLD_BACK_BYTES,
  VerifyingStream,
  type VerifyingStreamOptions,
} from './restore/verifying-stream.js';
export {
  type ApplyRetentionOptions,
  type ApplyRetentionResult,
  applyRetention,
} from './retention/apply-retention.js';
export { isoWeek } from './retention/buckets.js';
export { type PlanRetentionOptions, planRetention } from './retention/plan-retention.js';
export type { KeepPolicy, RetentionDecision } from './retention/types.js';
export { validateKeepPolicy } from './retention/validate-keep-policy.js';
export { Redactor, redact, redactUrl } from './secrets/redact.js';
export { createSecretFile, SECRET_DIR_PREFIX, type SecretFile } from './secrets/secret-file.js';
export { sweepSecretFiles } from './secrets/sweep-secret-files.js';
export {
  assertUrlCredentialsEncoded,
  unsafeUserinfoReason,
  urlCredentialSecrets,
} from './secrets/url-credentials.js';
export { createStorage } from './storage/create-storage.js';
export { RcloneStorage } from './storage/rclone-storage.js';
export { joinRemote, type ParsedRemote, parseRemote, redactRemote } from './storage/remote.js';
export { S3_DEFAULT_CHUNK_BYTES, S3_MAX_PARTS, s3ChunkSize } from './storage/s3-chunk-size.js';
export type { RcloneStorageOptions } from './storage/types.js';
export { findOrphans, type Orphan, sweepOrphans } from './sweep/sweep-orphans.js';
export {
  DEFAULT_PARTIAL_MAX_AGE_MS,
  isStagedManifestName,
  type SweepPartialsOptions,
  type SweepPartialsResult,
  type SweptPartial,
  sweepPartials,
} from './sweep/sweep-partials.js';
export { CLOCK_SKEW_TOLERANCE_MS, type FutureDatingOptions, futureDating } from './time/clock-skew.js';
export { DURATION_UNITS, durationOrThrow, parseDuration } from './time/duration.js';
export * from './wal/index.js';
