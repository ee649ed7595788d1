import { ConfigError, createStorage, type RcloneStorage } from '@bk/core';
import { describeConfigSearch } from './discover.js';
import type { ResolvedConfig } from './types.js';

/**
 * Creates the storage for the configured remote.
 *
 * @throws {@link ConfigError} when no remote is configured.
 */
export function createConfiguredStorage(config: ResolvedConfig): RcloneStorage {
  if (config.remote === undefined) {
    if (config.file === undefined) {
      throw new ConfigError(`no remote is configured: ${describeConfigSearch(process.cwd())}`, {
        key: 'remote',
        hint: 'create bk.config.json with "remote" and "databases", point --config or BK_CONFIG at one, or set BK_REMOTE',
      });
    }
    throw new ConfigError('no remote is configured', {
      key: 'remote',
      hint: `set "remote" in ${config.file} or the BK_REMOTE environment variable`,
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
