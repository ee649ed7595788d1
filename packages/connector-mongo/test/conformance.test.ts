import { connectorTestSuite } from '@bk/connector-test-suite';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMongoConnector } from '../src/index.js';
import { createBackend, type Doc, uniqueName } from './helpers/backend.js';

const backend = await createBackend();
afterAll(() => backend.close());

function users(): Doc[] {
  return [
    { _id: 1, name: 'ada', email: 'ada@example.org' },
    { _id: 2, name: 'bob', email: 'bob@example.org' },
    { _id: 3, name: 'cy', email: 'cy@example.org' },
  ];
}

function blobs(count: number): Doc[] {
  // ~2 KiB per document: 4500 documents are ~9 MB of dump.
  return Array.from({ length: count }, (_, index) => ({
    _id: index + 1,
    payload: `${index}:`.padEnd(2048, 'x'),
  }));
}

connectorTestSuite(
  { describe, it, expect, beforeEach, afterEach },
  {
    async create({ large, excludeTables }) {
      const database = uniqueName('bk_mongo');
      await backend.insert(database, 'users', users());
      await backend.insert(database, 'notes', [
        { _id: 1, text: 'first' },
        { _id: 2, text: 'second' },
      ]);
      if (large) await backend.insert(database, 'blobs', blobs(4500));
      const connector = createMongoConnector({ url: backend.url(database), excludeTables });
      return {
        connector,
        password: backend.password,
        snapshot: () => backend.snapshot(database),
        async mutate() {
          const changed = users().filter((user) => user._id !== 2);
          changed[0] = { ...changed[0]!, name: 'ada lovelace' };
          changed.push({ _id: 4, name: 'dee', email: 'dee@example.org' });
          await backend.replace(database, 'users', changed);
          await backend.replace(database, 'notes', [{ _id: 1, text: 'edited' }]);
        },
        async clear() {
          for (const collection of Object.keys(await backend.snapshot(database))) {
            await backend.dropCollection(database, collection);
          }
        },
        cleanup: () => backend.dropDatabase(database),
      };
    },
    async missingDatabase() {
      // mongodump exits 0 on a database that does not exist (it dumps nothing); what fails with an
      // exit code is a user whose role does not cover that database, which is how production
      // users are scoped. A root user's empty dump fails with MongoEmptyDumpError instead: see
      // mongo-connector.test.ts.
      const missing = uniqueName('bk_missing');
      const credentials = await backend.scopedUser(uniqueName('bk_other'));
      return createMongoConnector(backend.url(missing, credentials));
    },
    badCredentials() {
      return createMongoConnector(
        backend.url('admin', { user: 'root', password: 'not-the-password', authSource: 'admin' }),
      );
    },
  },
  {
    name: 'mongo connector conformance',
    programs: ['mongodump', 'mongorestore'],
    capabilities: {
      atomicRestore: false,
      excludeTables: true,
      selectiveRestore: true,
      rowCounts: false,
      sizeEstimate: false,
    },
    excludableTable: 'notes',
  },
);
