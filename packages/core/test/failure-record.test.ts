import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  acquireLock,
  backupDatabase,
  createStorage,
  failureRecordPath,
  listBackups,
  readFailureRecord,
  sweepPartials,
} from '../src/index.js';
import { dataFile, filesUnder, tempDir } from './helpers/fixtures.js';
import { createTestConnector } from './helpers/test-connector.js';

// A failed backup leaves a failure record in db/.partial/ (so retention run from any host can
// refuse to prune), which the sweep keeps and the next successful backup removes.
describe('failure records', () => {
  it('a failed backup writes one; the sweep keeps it; the next success removes it', async () => {
    const dir = tempDir();
    const remote = join(dir, 'remote');
    const storage = createStorage(remote);
    const data = dataFile(dir, 200 * 1024);
    const target = join(dir, 'target');
    expect(await readFailureRecord({ storage, database: 'main' })).toBeUndefined();

    const failing = createTestConnector({ dataFile: data.path, target, exitCode: 3 });
    const error = await backupDatabase({ storage, connector: failing, database: 'main', host: 'db-1' }).catch(
      (caught: unknown) => caught as Error,
    );
    expect(error).toBeInstanceOf(Error);
    const record = await readFailureRecord({ storage, database: 'main' });
    expect(record).toMatchObject({ formatVersion: 1, database: 'main', host: 'db-1' });
    expect(record?.error).toBe((error as Error).message);
    expect(Date.parse(record!.failedAt)).toBeGreaterThanOrEqual(Date.parse(record!.startedAt));
    // Not a backup: nothing listed, nothing outside db/.partial/.
    expect(await listBackups({ storage })).toEqual([]);
    expect(filesUnder(remote)).toEqual([failureRecordPath('main')]);
    expect((await sweepPartials({ storage, olderThanMs: 0 })).swept).toEqual([]);
    expect(await readFailureRecord({ storage, database: 'other' })).toBeUndefined();

    const good = createTestConnector({ dataFile: data.path, target });
    const { backup } = await backupDatabase({ storage, connector: good, database: 'main' });
    expect(await readFailureRecord({ storage, database: 'main' })).toBeUndefined();
    expect(filesUnder(remote)).toEqual([backup.path, backup.manifestPath].sort());
  });

  it('an interrupted backup writes none', async () => {
    const dir = tempDir();
    const storage = createStorage(join(dir, 'remote'));
    const data = dataFile(dir, 1024 * 1024);
    const slow = createTestConnector({ dataFile: data.path, target: join(dir, 'target'), delayMs: 50 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 400);
    await expect(
      backupDatabase({ storage, connector: slow, database: 'main', signal: controller.signal }),
    ).rejects.toThrow();
    expect(await readFailureRecord({ storage, database: 'main' })).toBeUndefined();
  });

  it('a backup lock left by a killed run becomes a failure record when the next run takes the lock', async () => {
    const storage = createStorage(join(tempDir(), 'remote'));
    const dead = 2 ** 22 - 7; // above the default pid_max: no such process
    await acquireLock({ storage, name: 'main', operation: 'backup', pid: dead });
    await (await acquireLock({ storage, name: 'main', operation: 'cleanup' })).release();
    const record = await readFailureRecord({ storage, database: 'main' });
    expect(record?.error).toMatch(new RegExp(`pid ${dead} on \\S+\\) stopped without releasing its lock`));
    // A stale lock of another operation is no failed backup.
    await acquireLock({ storage, name: 'other', operation: 'restore', pid: dead });
    await (await acquireLock({ storage, name: 'other' })).release();
    expect(await readFailureRecord({ storage, database: 'other' })).toBeUndefined();
  });
});
