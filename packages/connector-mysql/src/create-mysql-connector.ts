import { MysqlConnector } from './mysql-connector.js';
import type { MysqlConnectorOptions } from './types.js';

/**
 * Creates a {@link MysqlConnector} from a `mysql://` or `mariadb://` URL or an options object.
 *
 * @example
 * ```ts
 * const connector = createMysqlConnector('mysql://backup:s3cret@127.0.0.1:3306/app');
 * const connector2 = createMysqlConnector({ url: process.env.DATABASE_URL, excludeTables: ['sessions'] });
 * ```
 */
export function createMysqlConnector(input: string | MysqlConnectorOptions): MysqlConnector {
  return new MysqlConnector(input);
}
