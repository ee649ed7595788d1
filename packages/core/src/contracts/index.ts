export type {
  Connector,
  ConnectorCapabilities,
  ConnectorDescription,
  DumpHandle,
  DumpOptions,
  RestoreOptions,
  RowCounter,
} from './connector.js';
export type {
  Storage,
  StorageCallOptions,
  StorageEntry,
  StorageReadHandle,
  TransferProgress,
} from './storage.js';
