// The complete example of @bk/connector-test-suite's README, cut from this file (the last test
// checks that the two agree, apart from the import of the connector and of readFile).
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { type ConnectorFactory, connectorTestSuite } from '@bk/connector-test-suite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteConnector } from '../src/index.js';

function rows(path: string): Record<string, unknown> {
  const db = new DatabaseSync(path, { readOnly: true });
  const snapshot = { items: db.prepare('SELECT * FROM items ORDER BY id').all() };
  db.close();
  return snapshot;
}

const factory: ConnectorFactory = {
  async create({ large }) {
    const dir = await mkdtemp(join(tmpdir(), 'my-connector-'));
    const path = join(dir, 'app.db');
    const db = new DatabaseSync(path);
    db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)');
    db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${large ? 200_000 : 10})
             INSERT INTO items (name) SELECT 'item ' || i || ' ${'x'.repeat(40)}' FROM n`);
    db.close();
    return {
      connector: createSqliteConnector({ path }),
      snapshot: async () => rows(path),
      async mutate() {
        const db = new DatabaseSync(path);
        db.exec("DELETE FROM items WHERE id = 1; UPDATE items SET name = 'changed' WHERE id = 2");
        db.close();
      },
      async clear() {
        const db = new DatabaseSync(path);
        db.exec('DROP TABLE items');
        db.close();
      },
      expectedRowCounts: { items: large ? 200_000 : 10 },
      // The same database spelled another way (for identity()): a symlink; a server: localhost.
      async otherSpelling() {
        await symlink(path, join(dir, 'link.db'));
        return createSqliteConnector({ path: join(dir, 'link.db') });
      },
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  },
  async missingDatabase() {
    return createSqliteConnector({
      path: join(await mkdtemp(join(tmpdir(), 'my-connector-')), 'missing.db'),
    });
  },
  // badCredentials() { ... } for engines with logins: a connector the server rejects.
};

connectorTestSuite({ describe, it, expect, beforeEach, afterEach }, factory, {
  capabilities: {
    atomicRestore: true,
    excludeTables: false,
    selectiveRestore: false,
    rowCounts: true,
    sizeEstimate: true,
  },
  password: false, // SQLite has no credentials; a server connector sets fixture.password instead
  identity: true, // identity(): two spellings agree, two databases differ
});

// ...then your engine-specific tests.

it('the README example is this file', async () => {
  const readme = await readFile(new URL('../../connector-test-suite/README.md', import.meta.url), 'utf8');
  const snippet = /## Usage[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  const self = await readFile(new URL(import.meta.url), 'utf8');
  const body = self
    .slice(self.indexOf('import {'), self.indexOf("\nit('the README example"))
    .replace("from '../src/index.js'", "from '@bk/connector-sqlite'")
    .replace('mkdtemp, readFile, rm, symlink', 'mkdtemp, rm, symlink');
  expect(body).toBe(snippet);
});
