import { existsSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BackupNotFoundError,
  backupDatabase,
  createStorage,
  findBackup,
  IntegrityError,
  listBackups,
  restoreDatabase,
  verifyBackup,
} from '../src/index.js';
import { at, dataFile, tempDir } from './helpers/fixtures.js';
import { createTestConnector } from './helpers/test-connector.js';

// A backup whose manifest is there but whose object is gone or has another size is damaged.
// bk must say so, never quietly fall back to an older backup.
async function setup() {
  const dir = tempDir();
  const remote = join(dir, 'remote');
  const data = dataFile(dir, 4000);
  const target = join(dir, 'target');
  const connector = createTestConnector({ dataFile: data.path, target });
  const storage = createStorage(remote);
  const older = await backupDatabase({
    storage,
    connector,
    database: 'main',
    now: at('2026-06-01T00:00:00Z'),
  });
  const newer = await backupDatabase({
    storage,
    connector,
    database: 'main',
    now: at('2026-06-02T00:00:00Z'),
  });
  return { storage, connector, target, db: join(remote, 'db'), older: older.backup, newer: newer.backup };
}

describe('damaged backups', () => {
  it('a truncated latest backup is an IntegrityError, not a silent fall-back to the older one', async () => {
    const { storage, connector, target, db, newer } = await setup();
    truncateSync(join(db, newer.name), 1000);
    await expect(findBackup({ storage, database: 'main' })).rejects.toThrow(
      `backup ${newer.path} is corrupt: size 1000 bytes, manifest says 4000`,
    );
    const error = await restoreDatabase({ storage, connector, database: 'main' }).catch((caught) => caught);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error.hint).toMatch(/-i NAME/);
    expect(existsSync(target)).toBe(false);
  });

  it('a latest backup whose object is missing says so', async () => {
    const { storage, db, newer } = await setup();
    rmSync(join(db, newer.name));
    await expect(findBackup({ storage, database: 'main' })).rejects.toThrow(
      `backup ${newer.path} is corrupt: its object is missing (the manifest says 4000 bytes)`,
    );
  });

  it('an older intact backup can still be chosen explicitly', async () => {
    const { storage, connector, target, db, older, newer } = await setup();
    truncateSync(join(db, newer.name), 10);
    await restoreDatabase({ storage, connector, database: 'main', inputPath: older.name });
    expect(readFileSync(target).length).toBe(4000);
  });

  it('a damaged backup named with --input-path is an IntegrityError; an unknown name is not found', async () => {
    const { storage, db, older } = await setup();
    truncateSync(join(db, older.name), 10);
    await expect(findBackup({ storage, database: 'main', inputPath: older.name })).rejects.toBeInstanceOf(
      IntegrityError,
    );
    await expect(
      findBackup({ storage, database: 'main', inputPath: 'nope.fake.dump' }),
    ).rejects.toBeInstanceOf(BackupNotFoundError);
  });

  it('listing hides damaged backups unless asked, and verify reports them without reading', async () => {
    const { storage, db, older, newer } = await setup();
    rmSync(join(db, older.name));
    truncateSync(join(db, newer.name), 5);
    expect(await listBackups({ storage })).toEqual([]);
    const all = await listBackups({ storage, includeDamaged: true });
    expect(all.map((backup) => [backup.name, backup.damaged])).toEqual([
      [newer.name, { reason: 'size', storedBytes: 5 }],
      [older.name, { reason: 'missing', storedBytes: undefined }],
    ]);
    for (const backup of all) {
      await expect(verifyBackup({ storage, backup })).rejects.toBeInstanceOf(IntegrityError);
    }
  });
});
