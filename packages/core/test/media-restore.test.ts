import { readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BackupNotFoundError,
  ConfigError,
  MediaIntegrityError,
  mediaBackup,
  mediaRestore,
  parseMediaManifest,
} from '../src/index.js';
import {
  contents,
  localStorage,
  MEDIA_REMOTES as remotes,
  snapshotDir,
  steppingClock,
  tempDir,
  writeFiles,
} from './media-helpers.js';

describe.each(remotes)('mediaRestore (%s)', (_name, makeStorage) => {
  it('restores a deleted and an overwritten file byte-identical, with their times, from the first snapshot', async () => {
    await using media = await tempDir('root');
    await using remote = await tempDir('remote');
    await using target = await tempDir('target');
    const storage = await makeStorage(remote.path);
    const binary = Buffer.from(Array.from({ length: 70_000 }, (_, index) => (index * 7) % 256));
    await writeFiles(media.path, {
      'keep.txt': 'keep',
      'gone.bin': binary,
      'edit/me.txt': 'version 1',
      '-dash ünï.txt': 'odd name',
    });
    await utimes(join(media.path, 'edit/me.txt'), 1_600_000_000, 1_600_000_000.123456);
    const now = steppingClock();
    const first = await mediaBackup({ storage, root: media.path, now });
    const firstState = await snapshotDir(media.path);

    await rm(join(media.path, 'gone.bin'));
    await writeFile(join(media.path, 'edit/me.txt'), 'version 2 is longer');
    await mediaBackup({ storage, root: media.path, now });
    await writeFile(join(media.path, 'edit/me.txt'), 'version 3');
    await mediaBackup({ storage, root: media.path, now });

    const manifest = parseMediaManifest(
      (await storage.read(first.snapshot.path)).toString('utf8'),
      'manifest',
    );
    expect(manifest.entries.map((entry) => entry.hash?.length)).toEqual([32, 32, 32, 32]);

    const result = await mediaRestore({ storage, root: target.path, at: first.snapshot.stamp });
    expect(result.snapshot.stamp).toBe(first.snapshot.stamp);
    expect(Object.fromEntries(result.restored.map((file) => [file.path, file.source]))).toEqual({
      '-dash ünï.txt': 'current',
      'edit/me.txt': 'history/2030-01-01-000100',
      'gone.bin': 'history/2030-01-01-000100',
      'keep.txt': 'current',
    });
    expect(await snapshotDir(target.path)).toEqual(firstState);
    expect(await readFile(join(target.path, 'gone.bin'))).toEqual(binary);

    // Restoring again in place copies nothing.
    const again = await mediaRestore({ storage, root: target.path, at: first.snapshot.stamp });
    expect(again).toMatchObject({ restored: [], unchanged: 4, deleted: [] });
  });

  it('restores the latest snapshot, keeping newer local files unless delete; dry runs change nothing', async () => {
    await using media = await tempDir('root');
    await using remote = await tempDir('remote');
    const storage = await makeStorage(remote.path);
    await writeFiles(media.path, { 'a.txt': 'a', 'sub/b.txt': 'b', 'c.txt': 'c' });
    await mediaBackup({ storage, root: media.path, now: steppingClock() });
    const backedUp = await contents(media.path);

    await writeFiles(media.path, { 'new/later.txt': 'created afterwards', 'a.txt': 'modified' });
    await rm(join(media.path, 'sub/b.txt'));
    const changed = await snapshotDir(media.path);
    const dry = await mediaRestore({ storage, root: media.path, delete: true, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, deleted: ['new/later.txt'], unchanged: 1 });
    expect(dry.restored.map((file) => file.path)).toEqual(['a.txt', 'sub/b.txt']);
    expect(await snapshotDir(media.path)).toEqual(changed);

    const kept = await mediaRestore({ storage, root: media.path });
    expect(kept.deleted).toEqual([]);
    expect(await contents(media.path)).toEqual({
      ...backedUp,
      'new/later.txt': Buffer.from('created afterwards').toString('base64'),
    });

    const removed = await mediaRestore({ storage, root: media.path, delete: true });
    expect(removed).toMatchObject({ deleted: ['new/later.txt'], restored: [] });
    expect(await contents(media.path)).toEqual(backedUp);
    expect(await readdir(media.path)).not.toContain('new');
  });

  it('rejects an unknown or malformed stamp', async () => {
    await using remote = await tempDir('remote');
    await using target = await tempDir('target');
    const storage = await makeStorage(remote.path);
    await expect(mediaRestore({ storage, root: target.path })).rejects.toBeInstanceOf(BackupNotFoundError);
    await expect(
      mediaRestore({ storage, root: target.path, at: '2030-01-01-000000' }),
    ).rejects.toBeInstanceOf(BackupNotFoundError);
    await expect(mediaRestore({ storage, root: target.path, at: 'yesterday' })).rejects.toBeInstanceOf(
      ConfigError,
    );
  });
});

describe('mediaRestore integrity', () => {
  it('refuses a snapshot whose history copy was tampered with, changing nothing locally', async () => {
    await using media = await tempDir('root');
    await using remote = await tempDir('remote');
    await using target = await tempDir('target');
    const storage = localStorage(remote.path);
    await writeFiles(media.path, { 'a.txt': 'original', 'b.txt': 'b' });
    const now = steppingClock();
    const first = await mediaBackup({ storage, root: media.path, now });
    await writeFile(join(media.path, 'a.txt'), 'replaced');
    const second = await mediaBackup({ storage, root: media.path, now });
    const moved = join(remote.path, 'media/history', second.snapshot.stamp, 'a.txt');
    const { mtime } = await stat(moved);
    await writeFile(moved, 'tampere');
    await utimes(moved, mtime, mtime);
    await writeFiles(target.path, { 'b.txt': 'local b' });
    const before = await snapshotDir(target.path);

    const restore = mediaRestore({ storage, root: target.path, at: first.snapshot.stamp, delete: true });
    await expect(restore).rejects.toBeInstanceOf(MediaIntegrityError);
    await expect(restore).rejects.toMatchObject({ paths: ['a.txt'], code: 'BK_MEDIA_INTEGRITY' });
    expect(await snapshotDir(target.path)).toEqual(before);
  });
});
