export { AbortedError } from './aborted-error.js';
export { BackupNotFoundError } from './backup-not-found-error.js';
export { BinaryNotFoundError } from './binary-not-found-error.js';
export { BkError, type BkErrorCategory, type BkErrorOptions } from './bk-error.js';
export { ConfigError } from './config-error.js';
export { EmptyBackupError } from './empty-backup-error.js';
export { BK_ERROR_CODES, type BkErrorCode } from './error-codes.js';
export { IntegrityError } from './integrity-error.js';
export { ProcessError, type ProcessErrorFields } from './process-error.js';
