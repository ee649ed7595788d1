import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  backupDatabase,
  createStorage,
  findBackup,
  listBackups,
  ProcessError,
  type Storage,
} from '../src/index.js';
import { at, dataFile, filesUnder, rcloneWrapper, tempDir } from './helpers/fixtures.js';
import { createTestConnector } from './helpers/test-connector.js';

const SIZE = 3 * 1024 * 1024 + 17;

async function setup() {
  const dir = tempDir();
  const remote = join(dir, 'remote');
  const data = dataFile(dir, SIZE);
  const storage = createStorage(remote);
  const good = createTestConnector({ dataFile: data.path, target: join(dir, 'target') });
  const { backup } = await backupDatabase({
    storage,
    connector: good,
    database: 'main',
    now: at('2026-01-01T00:00:00Z'),
  });
  return { dir, remote, data, storage, backup };
}

/** Everything a failed backup may leave: the earlier good backup, plus anything under .partial/. */
function expectOnlyGoodBackup(remote: string, goodName: string) {
  const outside = filesUnder(remote).filter((path) => !path.startsWith('db/.partial/'));
  expect(outside).toEqual([`db/${goodName}`, `db/${goodName}.json`]);
}

async function expectListingUnchanged(storage: Storage, goodName: string) {
  const listed = await listBackups({ storage });
  expect(listed.map((backup) => backup.name)).toEqual([goodName]);
  expect((await findBackup({ storage, database: 'main' })).name).toBe(goodName);
}

describe('invariant 1: a failed backup is never listed and leaves nothing outside .partial/', () => {
  it('dump killed with SIGKILL at several random offsets', async () => {
    const { dir, remote, data, storage, backup } = await setup();
    const offsets = [0, 1, Math.floor(Math.random() * SIZE), SIZE - 1];
    for (const killAt of offsets) {
      const connector = createTestConnector({ dataFile: data.path, target: join(dir, 'target'), killAt });
      const error = await backupDatabase({
        storage,
        connector,
        database: 'main',
        keep: 1,
        now: at('2026-01-02T00:00:00Z'),
      }).catch((caught: unknown) => caught);
      expect(error, `killAt ${killAt}`).toBeInstanceOf(ProcessError);
      expect((error as ProcessError).process).toBe('fake_dump');
      expect((error as ProcessError).signal).toBe('SIGKILL');
      expect((error as Error).message).toMatch(/^fake_dump was killed by SIGKILL/);
      expectOnlyGoodBackup(remote, backup.name);
      await expectListingUnchanged(storage, backup.name);
    }
  });

  it('dump that writes everything and then exits non-zero', async () => {
    const { dir, remote, data, storage, backup } = await setup();
    const connector = createTestConnector({ dataFile: data.path, target: join(dir, 'target'), exitCode: 3 });
    const error = (await backupDatabase({
      storage,
      connector,
      database: 'main',
      now: at('2026-01-02T00:00:00Z'),
    }).catch((caught: unknown) => caught)) as ProcessError;
    expect(error).toBeInstanceOf(ProcessError);
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe(
      'fake_dump exited 3: fake_dump: error: lost connection to server (dump of "fake")',
    );
    expectOnlyGoodBackup(remote, backup.name);
    await expectListingUnchanged(storage, backup.name);
  });

  it('rclone killed mid-upload: the error names rclone, not the dump', async () => {
    const { dir, remote, data, storage, backup } = await setup();
    const binary = rcloneWrapper(dir, 'rcat', '(sleep 0.5; kill -9 $$) </dev/null >/dev/null 2>&1 &');
    const killing = createStorage(remote, { rclone: { binary } });
    const connector = createTestConnector({ dataFile: data.path, target: join(dir, 'target'), delayMs: 20 });
    const error = (await backupDatabase({
      storage: killing,
      connector,
      database: 'main',
      keep: 1,
      now: at('2026-01-02T00:00:00Z'),
    }).catch((caught: unknown) => caught)) as Error & { code: string; signal?: string };
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/^rclone rcat/);
    expect(error.message).toMatch(/SIGKILL/);
    expect(error.message).not.toMatch(/fake_dump/);
    expectOnlyGoodBackup(remote, backup.name);
    await expectListingUnchanged(storage, backup.name);
  });

  it('a move that fails leaves nothing outside .partial/', async () => {
    const { dir, remote, data, storage, backup } = await setup();
    const binary = rcloneWrapper(dir, 'moveto', 'echo "Failed to moveto: permission denied" >&2; exit 1');
    const failing = createStorage(remote, { rclone: { binary } });
    const connector = createTestConnector({ dataFile: data.path, target: join(dir, 'target') });
    const error = (await backupDatabase({
      storage: failing,
      connector,
      database: 'main',
      now: at('2026-01-02T00:00:00Z'),
    }).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(/^rclone moveto exited 1: .*permission denied/);
    expectOnlyGoodBackup(remote, backup.name);
    await expectListingUnchanged(storage, backup.name);
  });
});
