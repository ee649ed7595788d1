import type { PgConnectorOptions, PgPostgisOptions } from './options.js';
import { PgConnector } from './pg-connector.js';

/**
 * PostGIS variant of {@link createPgConnector}: before each restore it runs
 * `CREATE EXTENSION IF NOT EXISTS postgis` (as `adminUrl`'s role or after `SET ROLE adminRole`
 * when given), so the restore finds the extension in place.
 *
 * @example
 * const connector = createPostgisConnector('postgres://app@db/geo', { adminUrl: 'postgres://postgres@db' });
 */
export function createPostgisConnector(
  url: string | PgConnectorOptions,
  options: PgConnectorOptions & { postgis?: true | PgPostgisOptions } = {},
): PgConnector {
  const base = typeof url === 'string' ? { ...options, url } : { ...url, ...options };
  const postgis = base.postgis && base.postgis !== true ? base.postgis : {};
  return new PgConnector({ ...base, postgis });
}
