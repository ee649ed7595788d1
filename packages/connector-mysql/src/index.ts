export { connectionTarget, parseMysqlUrl, resolveMysqlOptions } from './connection.js';
export { createMysqlConnector } from './create-mysql-connector.js';
export { quoteOptionValue, renderDefaultsFile, type ToolFlavor } from './defaults-file.js';
export {
  MYSQL_DUMP_FLAGS,
  MYSQL_RESTORE_FLAGS,
  MYSQL_SANDBOX_FLAG,
  MysqlConnector,
} from './mysql-connector.js';
export { mysqlOptionsSchema } from './options-schema.js';
export type { MysqlConnection, MysqlConnectorOptions, MysqlSslMode, MysqlTlsOptions } from './types.js';
