export { RcloneAbortedError } from './errors/rclone-aborted-error.js';
export { RcloneBinaryNotFoundError } from './errors/rclone-binary-not-found-error.js';
export { RcloneError, type RcloneErrorCategory, type RcloneErrorFields } from './errors/rclone-error.js';
export { RcloneNotFoundError } from './errors/rclone-not-found-error.js';
export { RcloneRemoteNotFoundError } from './errors/rclone-remote-not-found-error.js';
export { describeExitCode } from './exit-codes.js';
export { Rclone } from './rclone.js';
export { isSecretEnvName, RcloneRedactor } from './redact.js';
export type {
  CatOptions,
  DeletefileOptions,
  LsjsonOptions,
  RcatOptions,
  RcloneCallOptions,
  RcloneEntry,
  RcloneNotice,
  RcloneOptions,
  RcloneProgress,
  RcloneProgressOptions,
  RcloneReadHandle,
  RcloneVersion,
  RunOptions,
  SyncOptions,
  SyncResult,
} from './types.js';
