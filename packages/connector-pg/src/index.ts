export {
  formatPgTarget,
  type PgConnection,
  parsePgUrl,
  resolvePgConnection,
  toConninfo,
} from './connection.js';
export { createPgConnector } from './create-pg-connector.js';
export { createPostgisConnector } from './create-postgis-connector.js';
export type { PgBinaries, PgConnectionOptions, PgConnectorOptions, PgPostgisOptions } from './options.js';
export { type ParallelPlan, planParallelRestore } from './parallel-plan.js';
export {
  type PgParallelRestoreOptions,
  type PgParallelRestoreResult,
  restorePgParallel,
} from './parallel-restore.js';
export { pgDumpArgs, pgRestoreArgs } from './pg-args.js';
export { PgConnector, type PgDescription } from './pg-connector.js';
export { PgVersionMismatchError } from './pg-version-mismatch-error.js';
export { escapePgpassField } from './pgpass.js';
export { detectVersionMismatch, type PgVersionMismatch, pgMajorVersion } from './version-mismatch.js';
