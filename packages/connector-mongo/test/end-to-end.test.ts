import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  backupDatabase,
  createStorage,
  IntegrityError,
  listBackups,
  ProcessError,
  restoreDatabase,
} from '@bk/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createMongoConnector } from '../src/index.js';
import { createStandinBackend, uniqueName } from './helpers/backend.js';

// Through @bk/core to a real rclone local remote, with the stand-in tools.
const backend = createStandinBackend();
afterAll(() => backend.close());

function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(root, path));
    }
  };
  walk(root);
  return out.sort();
}

async function seed(database: string): Promise<void> {
  await backend.insert(database, 'users', [
    { _id: 1, name: 'ada' },
    { _id: 2, name: 'bob' },
  ]);
  await backend.insert(
    database,
    'blobs',
    Array.from({ length: 300 }, (_, index) => ({ _id: index + 1, payload: 'x'.repeat(1000) })),
  );
}

describe('mongo through core to an rclone local remote', () => {
  it('backs up, lists, and restores (gzip) into another database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bk-mongo-e2e-'));
    const database = uniqueName('bk_e2e');
    await seed(database);
    const storage = createStorage(join(dir, 'remote'));
    const connector = createMongoConnector({ url: backend.url(database), gzip: true });
    const { backup } = await backupDatabase({ storage, connector, database: 'main' });
    expect(backup.name).toMatch(/^main-.*\.archive\.gz$/);
    expect((await listBackups({ storage })).map((item) => item.name)).toEqual([backup.name]);

    const copy = uniqueName('bk_e2e_copy');
    await restoreDatabase({ storage, connector: createMongoConnector(backend.url(copy)), database: 'main' });
    expect(await backend.snapshot(copy)).toEqual(await backend.snapshot(database));
    rmSync(dir, { recursive: true, force: true });
    await backend.dropDatabase(database);
    await backend.dropDatabase(copy);
  });

  it('a dump that dies mid-stream is never listed and leaves nothing outside .partial/', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bk-mongo-e2e-'));
    const database = uniqueName('bk_e2e');
    await seed(database);
    const remote = join(dir, 'remote');
    const storage = createStorage(remote);
    const connector = createMongoConnector(backend.url(database));
    process.env.BK_MONGO_STANDIN_FAIL_AT_BYTE = '20000';
    try {
      const error = await backupDatabase({ storage, connector, database: 'main' }).catch((caught) => caught);
      expect(error).toBeInstanceOf(ProcessError);
      expect((error as ProcessError).process).toBe('mongodump');
      expect((error as ProcessError).signal).toBe('SIGKILL');
    } finally {
      delete process.env.BK_MONGO_STANDIN_FAIL_AT_BYTE;
    }
    expect(await listBackups({ storage })).toEqual([]);
    const outside = filesUnder(remote).filter((path) => !path.startsWith('db/.partial/'));
    expect(outside).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
    await backend.dropDatabase(database);
  });

  it('a corrupted backup never reaches mongorestore: the target is untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bk-mongo-e2e-'));
    const database = uniqueName('bk_e2e');
    await seed(database);
    const remote = join(dir, 'remote');
    const storage = createStorage(remote);
    const connector = createMongoConnector(backend.url(database));
    const { backup } = await backupDatabase({ storage, connector, database: 'main' });
    const path = join(remote, 'db', backup.name);
    const size = statSync(path).size;
    writeFileSync(path, Buffer.alloc(size, 0x41));
    await backend.replace(database, 'users', [{ _id: 9, name: 'after' }]);
    const before = await backend.snapshot(database);
    const logFile = join(dir, 'log.jsonl');
    process.env.BK_MONGO_STANDIN_LOG = logFile;
    try {
      const error = await restoreDatabase({ storage, connector, database: 'main' }).catch((caught) => caught);
      expect(error).toBeInstanceOf(IntegrityError);
    } finally {
      delete process.env.BK_MONGO_STANDIN_LOG;
    }
    expect(await backend.snapshot(database)).toEqual(before);
    expect(() => statSync(logFile), 'mongorestore must not have run').toThrow();
    rmSync(dir, { recursive: true, force: true });
    await backend.dropDatabase(database);
  });
});
