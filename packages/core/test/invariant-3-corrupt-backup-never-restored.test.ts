import { existsSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  backupDatabase,
  ConfigError,
  createStorage,
  IntegrityError,
  listBackups,
  restoreDatabase,
  verifyBackup,
} from '../src/index.js';
import { at, dataFile, rcloneWrapper, tempDir } from './helpers/fixtures.js';
import { createTestConnector } from './helpers/test-connector.js';

const SIZE = 1024 * 1024 + 5;
const ORIGINAL = 'the target before the restore\n';

async function setup(options: { atomic?: boolean } = {}) {
  const dir = tempDir();
  const remote = join(dir, 'remote');
  const data = dataFile(dir, SIZE);
  const target = join(dir, 'target');
  writeFileSync(target, ORIGINAL);
  const marker = join(dir, 'marker');
  const connector = createTestConnector({
    dataFile: data.path,
    target,
    atomic: options.atomic,
    startedMarker: marker,
  });
  const storage = createStorage(remote);
  const { backup } = await backupDatabase({
    storage,
    connector,
    database: 'main',
    now: at('2026-03-01T10:00:00Z'),
  });
  return { dir, remote, data, target, marker, connector, storage, backup, object: join(remote, backup.path) };
}

function flipBit(path: string, offset: number) {
  const bytes = readFileSync(path);
  bytes[offset] = bytes[offset]! ^ 0x01;
  writeFileSync(path, bytes);
}

describe('invariant 3: a truncated or corrupted backup never changes the target', () => {
  it('restores an intact backup (and a bit-for-bit copy arrives)', async () => {
    const { data, target, connector, storage } = await setup();
    const result = await restoreDatabase({ storage, connector, database: 'main' });
    expect(result.bytes).toBe(SIZE);
    expect(readFileSync(target)).toEqual(readFileSync(data.path));
  });

  for (const offset of [0, 70_000, SIZE - 1]) {
    it(`atomic connector: a bit flip at byte ${offset} is refused with IntegrityError, target unchanged`, async () => {
      const { target, connector, storage, object, marker } = await setup();
      flipBit(object, offset);
      const error = await restoreDatabase({ storage, connector, database: 'main' }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(IntegrityError);
      expect((error as IntegrityError).message).toMatch(
        /^backup db\/main-2026-03-01-100000\.fake\.dump is corrupt: sha256/,
      );
      expect(existsSync(`${marker}.restore`)).toBe(true);
      expect(readFileSync(target, 'utf8')).toBe(ORIGINAL);
    });
  }

  it('atomic connector: a download cut short (rclone cat exits 0 early) is refused, target unchanged', async () => {
    const { dir, remote, target, connector } = await setup();
    const binary = rcloneWrapper(dir, 'cat', `rclone "$@" | head -c ${SIZE - 1000}; exit 0`);
    const storage = createStorage(remote, { rclone: { binary } });
    const error = await restoreDatabase({ storage, connector, database: 'main' }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as IntegrityError).actual.bytes).toBe(SIZE - 1000);
    expect(readFileSync(target, 'utf8')).toBe(ORIGINAL);
  });

  it('atomic connector: a download that fails mid-stream names rclone, target unchanged', async () => {
    const { dir, remote, target, connector } = await setup();
    const binary = rcloneWrapper(
      dir,
      'cat',
      `rclone "$@" | head -c 300000; echo "Failed to cat: connection reset" >&2; exit 1`,
    );
    const storage = createStorage(remote, { rclone: { binary } });
    const error = (await restoreDatabase({ storage, connector, database: 'main' }).catch(
      (caught: unknown) => caught,
    )) as Error;
    expect(error.message).toMatch(/^rclone cat exited 1: .*connection reset/);
    expect(readFileSync(target, 'utf8')).toBe(ORIGINAL);
  });

  it('a truncated object is damaged: not listed, and restoring it is an IntegrityError', async () => {
    const { target, connector, storage, object, backup } = await setup();
    truncateSync(object, SIZE - 10);
    await expect(restoreDatabase({ storage, connector, database: 'main' })).rejects.toBeInstanceOf(
      IntegrityError,
    );
    expect(await listBackups({ storage })).toEqual([]);
    await expect(verifyBackup({ storage, backup })).rejects.toBeInstanceOf(IntegrityError);
    expect(readFileSync(target, 'utf8')).toBe(ORIGINAL);
  });

  it('non-atomic connector: verified before the target is touched (restore never starts)', async () => {
    const { target, connector, storage, object, marker, backup } = await setup({ atomic: false });
    flipBit(object, 12345);
    const error = await restoreDatabase({ storage, connector, database: 'main' }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(IntegrityError);
    expect(existsSync(`${marker}.restore`)).toBe(false);
    expect(readFileSync(target, 'utf8')).toBe(ORIGINAL);
    await expect(verifyBackup({ storage, backup })).rejects.toBeInstanceOf(IntegrityError);
  });

  it('a same-size corruption (tail overwritten) is caught by sha256', async () => {
    const { target, connector, storage, object } = await setup();
    const bytes = readFileSync(object);
    bytes.fill(0, SIZE - 4096);
    writeFileSync(object, bytes);
    expect(statSync(object).size).toBe(SIZE);
    await expect(restoreDatabase({ storage, connector, database: 'main' })).rejects.toBeInstanceOf(
      IntegrityError,
    );
    expect(readFileSync(target, 'utf8')).toBe(ORIGINAL);
  });

  it('refuses a backup made by another connector', async () => {
    const { dir, data, storage, target } = await setup();
    const other = createTestConnector({ dataFile: data.path, target: join(dir, 'other'), id: 'other' });
    const error = await restoreDatabase({ storage, connector: other, database: 'main' }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/made by the fake connector, but "main" uses other/);
    expect(readFileSync(target, 'utf8')).toBe(ORIGINAL);
  });

  it('verifyBackup passes on an intact backup', async () => {
    const { storage, backup } = await setup();
    await expect(verifyBackup({ storage, backup })).resolves.toBeUndefined();
  });
});
