export { type ArchivePrelude, readPrelude } from './archive-prelude.js';
export { createMongoConnector } from './create-mongo-connector.js';
export { MongoConnector } from './mongo-connector.js';
export { MongoEmptyDumpError } from './mongo-empty-dump-error.js';
export { mongoOptionsSchema } from './options-schema.js';
export type { MongoConnectorOptions, MongoRename } from './types.js';
