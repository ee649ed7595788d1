import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '@bk/core';
import { bkPackageAliases } from './bk-package-resolution.js';

/**
 * Reads a config file: JSON is parsed, `.mjs`/`.js` are imported, `.ts`/`.mts` are imported through
 * jiti. A module's default export may be the config object or a function returning it.
 */
export async function readConfigFile(file: string): Promise<unknown> {
  const extension = extname(file);
  const name = basename(file);
  if (extension === '.json') {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`cannot read ${name}: ${(error as Error).message}`, { key: file, cause: error });
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`${name} is not valid JSON: ${(error as Error).message}`, {
        cause: error,
        hint: `fix the syntax of ${file}`,
      });
    }
  }
  let loaded: unknown;
  try {
    if (extension === '.ts' || extension === '.mts' || extension === '.cts') {
      const { createJiti } = await import('jiti');
      const jiti = createJiti(import.meta.url, {
        moduleCache: false,
        fsCache: false,
        alias: bkPackageAliases(),
      });
      loaded = await jiti.import(file, { default: true });
    } else {
      const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
      loaded = module.default ?? module;
    }
  } catch (error) {
    throw new ConfigError(`cannot load ${name}: ${firstLine((error as Error).message)}`, {
      cause: error,
      hint: `fix ${file} (run it with node to see the full error)`,
    });
  }
  return typeof loaded === 'function' ? await (loaded as () => unknown)() : loaded;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
