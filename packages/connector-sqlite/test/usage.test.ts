import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { expect, it } from 'vitest';
import { createSqliteConnector } from '../src/index.js';
import { makeTempDir, seed, snapshotFile } from './fixtures.js';

// The README's Usage snippet, with paths under a temp dir.
it('README usage: describe, dump to a file, restore from it', async () => {
  const dir = await makeTempDir();
  seed(join(dir, 'app.db'), 100);
  const before = snapshotFile(join(dir, 'app.db'));

  const connector = createSqliteConnector(`sqlite:${join(dir, 'app.db')}`);
  const description = await connector.describe();
  expect(description).toMatchObject({ engine: 'sqlite', database: 'app.db' });
  expect(description.toolVersion).toBe(`sqlite3 ${description.serverVersion}`);

  const { stream, done } = connector.dump();
  await Promise.all([pipeline(stream, createWriteStream(join(dir, 'app.sqlite.sql'))), done]);
  expect(await connector.rowCounts()).toEqual({ notes: 10, users: 100 });
  await connector.restore(createReadStream(join(dir, 'app.sqlite.sql')));
  expect(snapshotFile(join(dir, 'app.db'))).toEqual(before);
});
