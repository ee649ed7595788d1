import { MongoConnector } from './mongo-connector.js';
import type { MongoConnectorOptions } from './types.js';

/**
 * Creates a {@link MongoConnector} from a `mongodb://` / `mongodb+srv://` URL or an options object.
 *
 * @example
 * ```ts
 * const connector = createMongoConnector('mongodb://app:s3cret@127.0.0.1:27017/app');
 * ```
 * @throws {ConfigError} on a bad URL, database name or option combination.
 */
export function createMongoConnector(urlOrOptions: string | MongoConnectorOptions): MongoConnector {
  return new MongoConnector(typeof urlOrOptions === 'string' ? { url: urlOrOptions } : urlOrOptions);
}
