export { defineConfig } from './config/define-config.js';
export { type LoadConfigOptions, loadConfig } from './config/load-config.js';
export type {
  NotifierEntry,
  OpsConfig,
  OpsConfigKeys,
  ScheduleJob,
  ScheduleJobEntry,
} from './config/ops-config.js';
export type {
  BkConfig,
  ConnectorName,
  DatabaseConfig,
  DbConfig,
  MediaConfig,
  RcloneConfig,
  ResolvedConfig,
  ResolvedDatabase,
} from './config/types.js';
export { main } from './main.js';
export { CLI_VERSION } from './program.js';
