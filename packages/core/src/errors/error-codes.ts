/**
 * Every `code` a bk error can carry, across all bk packages (`@bk/rclone` and the connectors
 * included): stable across releases, so callers branch on them. docs/errors.md explains each one.
 */
export const BK_ERROR_CODES = [
  'BK_USAGE',
  'BK_CONFIG_INVALID',
  'BK_COMMAND_FAILED',
  'BK_FAILED',
  'BK_ABORTED',
  'BK_PROCESS_FAILED',
  'BK_CONNECTOR_NOT_INSTALLED',
  'BK_BINARY_NOT_FOUND',
  'BK_INTEGRITY',
  'BK_EMPTY_BACKUP',
  'BK_BACKUP_NOT_FOUND',
  'BK_LOCK_HELD',
  'BK_LOCK_FAILED',
  'BK_RESTORE_INCOMPLETE',
  'BK_NOTIFY_FAILED',
  'BK_CRYPT_PASSWORD',
  'BK_RCLONE_FAILED',
  'BK_RCLONE_NOT_FOUND',
  'BK_RCLONE_REMOTE_NOT_FOUND',
  'BK_RCLONE_BINARY_NOT_FOUND',
  'BK_PG_VERSION_MISMATCH',
  'BK_SQLITE_RESTORE_REFUSED',
  'BK_SQLITE_DUMP_REFUSED',
  'BK_MONGO_EMPTY_DUMP',
  'BK_MONGO_BAD_ARCHIVE',
  'BK_MEDIA_ROOT_MISSING',
  'BK_MEDIA_ROOT_EMPTY',
  'BK_MEDIA_MASS_DELETE',
  'BK_MEDIA_INTEGRITY',
  'BK_MEDIA_NAME_COLLISION',
  'BK_MEDIA_NAME_UNSUPPORTED',
  'BK_MEDIA_FILE_SKIPPED',
  'BK_MEDIA_RESTORE_CONFLICT',
  'BK_MEDIA_RESTORE_FAILED',
  'BK_MEDIA_ROLLBACK_FAILED',
  'BK_MEDIA_MANIFEST_INVALID',
  'BK_WAL_CONFLICT',
  'BK_WAL_CHANGED',
  'BK_WAL_MISSING',
  'BK_WAL_GAP',
  'BK_UNSAFE_ARCHIVE',
] as const;

/**
 * The union of every bk error code ({@link BK_ERROR_CODES}), for exhaustive `switch`es:
 * `if (BkError.isInstance(error)) switch (error.code as BkErrorCode) { ... }`.
 */
export type BkErrorCode = (typeof BK_ERROR_CODES)[number];
