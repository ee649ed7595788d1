import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '@bk/core';

/** Config file names looked for in the working directory, in this order. */
export const CONFIG_FILE_NAMES = ['bk.config.json', 'bk.config.ts', 'bk.config.mjs', 'bk.config.js'] as const;

/**
 * Finds the config file: `--config FILE`, else `BK_CONFIG`, else the first of {@link CONFIG_FILE_NAMES}
 * in `cwd`. Returns `undefined` when there is none (the environment may still configure bk).
 */
export function discoverConfigFile(options: {
  configOption: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
}): string | undefined {
  const explicit = options.configOption ?? (options.env.BK_CONFIG || undefined);
  if (explicit !== undefined) {
    const file = resolve(options.cwd, explicit);
    if (!existsSync(file)) {
      throw new ConfigError(`config file ${explicit} does not exist`, {
        key: options.configOption !== undefined ? '--config' : 'BK_CONFIG',
        hint: `create it, or run bk from a directory holding ${CONFIG_FILE_NAMES[0]}`,
      });
    }
    return file;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const file = resolve(options.cwd, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}
