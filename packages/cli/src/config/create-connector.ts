import { BkError, ConfigError, type Connector } from '@bk/core';
import { importConnectorPackage } from './connector-package.js';
import { loadCustomConnector } from './custom-connector.js';
import type { ConnectorName, ResolvedDatabase } from './types.js';

type ConnectorFactory = (input: Record<string, unknown>) => Connector;

/**
 * Connector packages are imported only when a command needs one, so `bk --help` stays fast, and
 * only the packages of the configured databases must be installed (a missing one is named).
 */
const factories: Record<ConnectorName, (database: ResolvedDatabase) => Promise<ConnectorFactory>> = {
  pg: async (database) =>
    (await importConnectorPackage('pg', database, () => import('@bk/connector-pg')))
      .createPgConnector as unknown as ConnectorFactory,
  mysql: async (database) =>
    (await importConnectorPackage('mysql', database, () => import('@bk/connector-mysql')))
      .createMysqlConnector as unknown as ConnectorFactory,
  sqlite: async (database) =>
    (await importConnectorPackage('sqlite', database, () => import('@bk/connector-sqlite')))
      .createSqliteConnector as unknown as ConnectorFactory,
  mongo: async (database) =>
    (await importConnectorPackage('mongo', database, () => import('@bk/connector-mongo')))
      .createMongoConnector as unknown as ConnectorFactory,
};

/**
 * Creates the connector of a configured database: a built-in one, or a custom one from the module
 * `databases.<name>.connector` names. A factory that rejects its options is a config error pointing
 * at `databases.<name>`.
 */
export async function createConnector(database: ResolvedDatabase): Promise<Connector> {
  const key = `databases.${database.name}`;
  const module = database.module;
  const create =
    database.connector === 'custom' && module !== undefined
      ? (options: Record<string, unknown>) => loadCustomConnector(module, options, `${key}.connector`)
      : await factories[database.connector as ConnectorName](database);
  try {
    return await create(database.options);
  } catch (error) {
    if (BkError.isInstance(error) && error.category === 'config') {
      throw underDatabase(error as ConfigError, key);
    }
    if (BkError.isInstance(error)) throw error;
    throw new ConfigError((error as Error).message, { key, cause: error });
  }
}

/**
 * A connector names the option it rejects as the connector sees it (`url`, `tls.mode`); the user
 * wrote it under `databases.<name>`, so that is the key shown: `url` becomes `databases.<name>`,
 * any other key `databases.<name>.<key>`.
 */
function underDatabase(error: ConfigError, key: string): ConfigError {
  if (error.key?.startsWith('databases.')) return error;
  const named = error.key === undefined || error.key === 'url' ? key : `${key}.${error.key}`;
  return new ConfigError(error.message, {
    key: named,
    code: error.code,
    ...(error.hint ? { hint: error.hint } : {}),
    cause: error,
  });
}
