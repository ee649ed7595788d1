import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupDatabase, createStorage, listBackups, restoreDatabase } from '@bk/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createTarDirConnector } from '../src/index.js';

const root = await mkdtemp(join(tmpdir(), 'bk-tar-dir-e2e-'));
afterAll(() => rm(root, { recursive: true, force: true }));

describe('the custom connector through @bk/core', () => {
  it('backs up to a local rclone remote, lists, and restores', async () => {
    const dir = join(root, 'uploads');
    await mkdir(dir);
    await writeFile(join(dir, 'a.txt'), 'first version');
    const storage = createStorage(join(root, 'remote'));
    const connector = createTarDirConnector(dir);

    const { backup } = await backupDatabase({ storage, connector, database: 'uploads' });
    expect(backup.name).toMatch(/^uploads-\d{4}-\d\d-\d\d-\d{6}\.tar$/);
    expect(await listBackups({ storage })).toEqual([expect.objectContaining({ path: backup.path })]);

    await writeFile(join(dir, 'a.txt'), 'overwritten');
    await restoreDatabase({ storage, connector, database: 'uploads' });
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('first version');
  });
});
