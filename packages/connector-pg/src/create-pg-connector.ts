import type { PgConnectorOptions } from './options.js';
import { PgConnector } from './pg-connector.js';

/**
 * Creates a {@link PgConnector} from a `postgres://` URL or an options object. With a URL, `options`
 * adds dump/restore settings (and may override parts of the URL).
 *
 * @example
 * const connector = createPgConnector('postgres://app:s3cret@127.0.0.1:5432/app?sslmode=disable');
 * const same = createPgConnector({ host: '127.0.0.1', user: 'app', password: 's3cret', database: 'app' });
 */
export function createPgConnector(
  url: string | PgConnectorOptions,
  options: PgConnectorOptions = {},
): PgConnector {
  return new PgConnector(typeof url === 'string' ? { ...options, url } : { ...url, ...options });
}
