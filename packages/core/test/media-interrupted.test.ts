import { rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listMediaSnapshots, mediaBackup, mediaRestore } from '../src/index.js';
import {
  MEDIA_REMOTES as remotes,
  snapshotDir,
  steppingClock,
  tempDir,
  writeFiles,
} from './media-helpers.js';

describe.each(remotes)('an interrupted media backup (%s)', (_name, makeStorage) => {
  it('leaves no manifest when a sync is aborted mid-way, and the previous snapshot still restores', async () => {
    await using media = await tempDir('root');
    await using remote = await tempDir('remote');
    await using target = await tempDir('target');
    const storage = await makeStorage(remote.path);
    await writeFiles(media.path, { 'small.txt': 'first version', 'other.txt': 'other' });
    const now = steppingClock();
    const first = await mediaBackup({ storage, root: media.path, now });
    const firstState = await snapshotDir(media.path);

    await writeFile(join(media.path, 'small.txt'), 'second version');
    await rm(join(media.path, 'other.txt'));
    await writeFile(join(media.path, 'big.bin'), Buffer.alloc(8 * 1024 * 1024, 1));
    const slow = await makeStorage(remote.path, { flags: ['--bwlimit', '1M'] });
    const controller = new AbortController();
    const aborted = mediaBackup({
      storage: slow,
      root: media.path,
      now,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'progress' && event.bytes > 0) controller.abort();
      },
    });
    await expect(aborted).rejects.toMatchObject({ category: 'interrupted' });
    expect((await listMediaSnapshots({ storage })).map((snapshot) => snapshot.stamp)).toEqual([
      first.snapshot.stamp,
    ]);

    const restored = await mediaRestore({ storage, root: target.path });
    expect(await snapshotDir(target.path)).toEqual(firstState);
    // The killed sync had already moved the first version into its own history dir.
    const source = restored.restored.find((file) => file.path === 'small.txt')?.source;
    expect(source).toMatch(/^history\/2030-01-01-000100$/);
    await expect(stat(join(target.path, 'big.bin'))).rejects.toThrow();

    // The next backup completes and takes a later stamp.
    const next = await mediaBackup({ storage, root: media.path, now });
    expect(next.snapshot.stamp > first.snapshot.stamp).toBe(true);
    expect(next.snapshot.files).toBe(2);
  });
});
