import { BkError, ConfigError, type Connector } from '@bk/core';
import { loadCustomConnector } from './custom-connector.js';
import type { ConnectorName, ResolvedDatabase } from './types.js';

type ConnectorFactory = (input: Record<string, unknown>) => Connector;

/** Connector packages are imported only when a command needs one, so `bk --help` stays fast. */
const factories: Record<ConnectorName, () => Promise<ConnectorFactory>> = {
  pg: async () => (await import('@bk/connector-pg')).createPgConnector as unknown as ConnectorFactory,
  mysql: async () =>
    (await import('@bk/connector-mysql')).createMysqlConnector as unknown as ConnectorFactory,
  sqlite: async () =>
    (await import('@bk/connector-sqlite')).createSqliteConnector as unknown as ConnectorFactory,
  mongo: async () =>
    (await import('@bk/connector-mongo')).createMongoConnector as unknown as ConnectorFactory,
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
      : await factories[database.connector as ConnectorName]();
  try {
    return await create(database.options);
  } catch (error) {
    if (BkError.isInstance(error)) throw error;
    throw new ConfigError((error as Error).message, { key, cause: error });
  }
}
