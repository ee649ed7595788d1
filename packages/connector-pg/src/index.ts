export {
  formatPgTarget,
  type PgConnection,
  parsePgUrl,
  resolvePgConnection,
  toConninfo,
} from './connection.js';
export { createPgConnector } from './create-pg-connector.js';
export { createPostgisConnector } from './create-postgis-connector.js';
export type { PgBinaries, PgConnectionOptions, PgConnectorOptions, PgPostgisOptions } from './options.js';
export { pgOptionsSchema } from './options-schema.js';
export { type ParallelPlan, planParallelRestore } from './parallel-plan.js';
export {
  type PgParallelRestoreOptions,
  type PgParallelRestoreResult,
  type PgScratchSweep,
  restorePgParallel,
  type SweepPgScratchOptions,
  sweepPgScratch,
} from './parallel-restore.js';
export { pgDumpArgs, pgRestoreArgs } from './pg-args.js';
export { PgConnector, type PgDescription } from './pg-connector.js';
export { PgVersionMismatchError } from './pg-version-mismatch-error.js';
export { escapePgpassField } from './pgpass.js';
export { type BackupLabel, parseBackupLabel, parseManifestWalRange } from './physical/backup-label.js';
export {
  type BaseBackupHandle,
  type BaseBackupPosition,
  type StartBaseBackupOptions,
  startBaseBackup,
} from './physical/base-backup.js';
export {
  type ExtractBaseBackupOptions,
  extractBaseBackup,
  isUnsafeEntryPath,
} from './physical/extract-base-backup.js';
export {
  quoteConfigValue,
  quoteShellWord,
  type RecoveryConfigOptions,
  recoveryConfigLines,
  writeRecoveryConfig,
} from './physical/recovery-config.js';
export {
  checkWalContinuity,
  type WalContinuity,
  type WalGap,
  walFilesBefore,
} from './physical/wal-continuity.js';
export {
  DEFAULT_WAL_SEGMENT_SIZE,
  parseLsn,
  parseWalFileName,
  requireWalFileName,
  segmentBeforeLsn,
  segmentName,
  segmentNumber,
  segmentOfLsn,
  type WalFileKind,
  type WalFileName,
} from './physical/wal-name.js';
export type { ScratchDatabase } from './scratch-databases.js';
export { detectVersionMismatch, type PgVersionMismatch, pgMajorVersion } from './version-mismatch.js';
