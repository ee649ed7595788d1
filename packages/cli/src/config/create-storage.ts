import { ConfigError, createStorage, type RcloneStorage } from '@bk/core';
import type { ResolvedConfig } from './types.js';

/**
 * Creates the storage for the configured remote.
 *
 * @throws {@link ConfigError} when no remote is configured.
 */
export function createConfiguredStorage(config: ResolvedConfig): RcloneStorage {
  if (config.remote === undefined) {
    throw new ConfigError('no remote is configured', {
      key: 'remote',
      hint: `set "remote" in ${config.file ?? 'bk.config.json'} or the BK_REMOTE environment variable`,
    });
  }
  const { configFile, flags, env, binary } = config.rclone;
  return createStorage(config.remote, {
    rclone: {
      ...(configFile ? { configFile } : {}),
      ...(flags ? { flags } : {}),
      ...(env ? { env } : {}),
      ...(binary ? { binary } : {}),
    },
  });
}
