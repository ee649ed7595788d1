export { SQLITE_INSTALL_HINT } from './atomic-restore.js';
export {
  parseSqliteUrl,
  type ResolvedSqliteOptions,
  resolveSqliteOptions,
  type SqliteConnectorOptions,
  type SqliteIntegrityCheck,
} from './options.js';
export { sqliteOptionsSchema } from './options-schema.js';
export { createSqliteConnector, SqliteConnector } from './sqlite-connector.js';
export { SqliteRestoreError } from './sqlite-restore-error.js';
