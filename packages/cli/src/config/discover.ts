import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '@bk/core';

/** Config file names looked for in each folder, in this order. */
export const CONFIG_FILE_NAMES = ['bk.config.json', 'bk.config.ts', 'bk.config.mjs', 'bk.config.js'] as const;

/** Where the upward search for a config file went. */
export interface ConfigSearch {
  /** The config file found, or `undefined`. */
  file: string | undefined;
  /** The folder the search started in. */
  from: string;
  /** The last folder searched: a git root (a folder holding `.git`) or the filesystem root. */
  to: string;
  /** Whether the search stopped at a git root rather than at the filesystem root. */
  stoppedAtGitRoot: boolean;
}

/**
 * Looks for {@link CONFIG_FILE_NAMES} in `cwd`, then in each parent folder, and stops after the
 * first folder holding `.git` (the project's root) or at the filesystem root: like Prettier and
 * ESLint it finds the project's config from any subfolder, and like EditorConfig's `root = true`
 * it never picks up a config above the project (a stray `~/bk.config.json` could name other
 * databases).
 */
export function searchConfigUpwards(cwd: string): ConfigSearch {
  const from = resolve(cwd);
  let folder = from;
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const file = join(folder, name);
      if (existsSync(file)) return { file, from, to: folder, stoppedAtGitRoot: false };
    }
    const parent = dirname(folder);
    const isGitRoot = existsSync(join(folder, '.git'));
    if (isGitRoot || parent === folder)
      return { file: undefined, from, to: folder, stoppedAtGitRoot: isGitRoot };
    folder = parent;
  }
}

/**
 * Says where bk looked when it found no config file, for the error that follows (no remote, no
 * databases): `no bk.config.{json,ts,mjs,js} found in /a/b/c or its parents (up to /a, a git root),
 * and BK_CONFIG is not set`.
 */
export function describeConfigSearch(cwd: string): string {
  const search = searchConfigUpwards(cwd);
  const upTo =
    search.to === search.from
      ? ''
      : ` or its parents (up to ${search.to}${search.stoppedAtGitRoot ? ', a git root' : ''})`;
  return `no bk.config.{json,ts,mjs,js} found in ${search.from}${upTo}, and BK_CONFIG is not set`;
}

/**
 * Finds the config file: `--config FILE`, else `BK_CONFIG` (both explicit, so they win over a file
 * found by searching), else the first of {@link CONFIG_FILE_NAMES} in `cwd` or its parents
 * ({@link searchConfigUpwards}). Returns `undefined` when there is none (the environment may still
 * configure bk).
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
  return searchConfigUpwards(options.cwd).file;
}
