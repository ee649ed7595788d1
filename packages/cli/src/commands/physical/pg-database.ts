import type { PgConnector } from '@bk/connector-pg';
import { ConfigError } from '@bk/core';
import { selectDatabases } from '../../config/select-databases.js';
import type { ResolvedConfig, ResolvedDatabase } from '../../config/types.js';

/**
 * The one database a point-in-time recovery command works on (`-d NAME`, or the only one
 * configured), which must be a PostgreSQL database.
 */
export function selectPgDatabase(config: ResolvedConfig, name: string | undefined): ResolvedDatabase {
  const [database] = selectDatabases(config, { names: name === undefined ? [] : [name], whenNone: 'single' });
  if (!database) throw new ConfigError('no database selected');
  if (database.connector !== 'pg') {
    throw new ConfigError(
      `point-in-time recovery needs a PostgreSQL database, and "${database.name}" uses the ${database.connector} connector`,
      {
        key: `databases.${database.name}`,
        hint: 'use --physical and wal-push/wal-fetch with a postgres:// database only',
      },
    );
  }
  return database;
}

/** Creates the PostgreSQL connector of `database` (imported only when needed). */
export async function openPgConnector(database: ResolvedDatabase): Promise<PgConnector> {
  const { createPgConnector } = await import('@bk/connector-pg');
  return createPgConnector(database.options as Parameters<typeof createPgConnector>[0]) as PgConnector;
}
