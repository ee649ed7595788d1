import { fileURLToPath } from 'node:url';
import { ConfigError } from '@bk/core';
import type { ConnectorName, ResolvedDatabase } from './types.js';

/**
 * The npm package of each built-in connector. `@bk/connector-sqlite` is a dependency of `@bk/cli`;
 * the others are optional peer dependencies, installed next to bk only by those who use them, so a
 * PostgreSQL-only install holds no MySQL or MongoDB code.
 */
export const CONNECTOR_PACKAGES: Readonly<Record<ConnectorName, string>> = {
  pg: '@bk/connector-pg',
  mysql: '@bk/connector-mysql',
  sqlite: '@bk/connector-sqlite',
  mongo: '@bk/connector-mongo',
};

/** Whether `error` says that `specifier` itself (not one of its own imports) cannot be found. */
export function isPackageMissing(error: unknown, specifier: string): boolean {
  const failure = error as NodeJS.ErrnoException | undefined;
  return (
    failure?.code === 'ERR_MODULE_NOT_FOUND' &&
    typeof failure.message === 'string' &&
    failure.message.includes(`'${specifier}'`)
  );
}

/**
 * Imports a connector package through `load` (a literal `import()`, so bundlers and type checkers
 * see it). When the package is not installed, throws a config error naming the database, its URL
 * scheme and the command that installs the package.
 *
 * @throws {@link ConfigError} `BK_CONNECTOR_NOT_INSTALLED` on `databases.<name>`.
 */
export async function importConnectorPackage<T>(
  connector: ConnectorName,
  database: Pick<ResolvedDatabase, 'name' | 'options'>,
  load: () => Promise<T>,
): Promise<T> {
  const specifier = CONNECTOR_PACKAGES[connector];
  try {
    return await load();
  } catch (error) {
    if (!isPackageMissing(error, specifier)) throw error;
    const url = database.options.url;
    const scheme = typeof url === 'string' ? /^[a-z][a-z0-9+.-]*:(\/\/)?/i.exec(url.trim())?.[0] : undefined;
    const uses = scheme !== undefined ? scheme.toLowerCase() : `the ${connector} connector`;
    throw new ConfigError(`databases.${database.name} uses ${uses}, but ${specifier} is not installed`, {
      code: 'BK_CONNECTOR_NOT_INSTALLED',
      key: `databases.${database.name}`,
      hint: `run ${installCommand()} ${specifier}`,
      cause: error,
    });
  }
}

/**
 * Imports a connector package when it is installed, else returns `undefined` (for features that
 * only apply to one engine, such as a parallel PostgreSQL restore).
 */
export async function importIfInstalled<T>(
  specifier: string,
  load: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await load();
  } catch (error) {
    if (isPackageMissing(error, specifier)) return undefined;
    throw error;
  }
}

/** `npm install -g` when this bk is a global install (`<prefix>/lib/node_modules/@bk/cli`), else `npm install`. */
function installCommand(): string {
  const here = fileURLToPath(import.meta.url);
  return /[\\/]lib[\\/]node_modules[\\/]@bk[\\/]cli[\\/]/.test(here) ? 'npm install -g' : 'npm install';
}
