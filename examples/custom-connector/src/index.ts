export {
  createConnector,
  createTarDirConnector,
  TarDirConnector,
  type TarDirConnectorOptions,
} from './tar-dir-connector.js';
