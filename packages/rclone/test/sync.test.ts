import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rclone, type RcloneProgress } from '../src/index.js';
import { tempDir } from './helpers.js';

/** Files under `dir`, relative, with their contents. */
async function tree(dir: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    result[full.slice(dir.length + 1)] = await readFile(full, 'utf8');
  }
  return result;
}

/** src: changed.txt (new content), same.txt, added.txt, skip.tmp; dst: changed.txt (old), same.txt, gone.txt. */
async function fixture(root: string): Promise<{ src: string; dst: string }> {
  const src = join(root, 'src');
  const dst = join(root, 'dst');
  await mkdir(join(src, 'sub'), { recursive: true });
  await mkdir(dst, { recursive: true });
  await writeFile(join(src, 'changed.txt'), 'new content');
  await writeFile(join(src, 'sub/same.txt'), 'same');
  await writeFile(join(src, 'added.txt'), 'added');
  await writeFile(join(src, 'skip.tmp'), 'temporary');
  await writeFile(join(dst, 'changed.txt'), 'old');
  await mkdir(join(dst, 'sub'));
  await writeFile(join(dst, 'sub/same.txt'), 'same');
  await writeFile(join(dst, 'gone.txt'), 'deleted at source');
  const time = new Date('2024-01-01T00:00:00Z');
  await utimes(join(src, 'sub/same.txt'), time, time);
  await utimes(join(dst, 'sub/same.txt'), time, time);
  return { src, dst };
}

describe('sync and copy', () => {
  it('sync with backupDir moves replaced and deleted files into history and counts them', async () => {
    await using dir = await tempDir();
    const { src, dst } = await fixture(dir.path);
    const rclone = new Rclone();
    const progress: RcloneProgress[] = [];
    const result = await rclone.sync(src, `:local:${dst}`, {
      backupDir: `:local:${dir.path}/history/2024-01-01-000000`,
      exclude: ['*.tmp'],
      onProgress: (report) => progress.push(report),
    });
    expect(await tree(dst)).toEqual({
      'changed.txt': 'new content',
      'sub/same.txt': 'same',
      'added.txt': 'added',
    });
    expect(await tree(join(dir.path, 'history/2024-01-01-000000'))).toEqual({
      'changed.txt': 'old',
      'gone.txt': 'deleted at source',
    });
    // rclone 1.60 counts the server-side moves into the backup dir as bytes too: 11 + 5 copied, 3 + 17 moved.
    expect(result).toEqual({ transferred: 2, bytes: 36, deleted: 1, checks: expect.any(Number) });
    expect(result.checks).toBeGreaterThanOrEqual(1);
    expect(progress.at(-1)).toMatchObject({ transfers: 2, deletes: 1 });
    expect(result.planned).toBeUndefined();

    const again = await rclone.sync(src, dst, { exclude: ['*.tmp'] });
    expect(again).toMatchObject({ transferred: 0, bytes: 0, deleted: 0, checks: 3 });
  });

  it('dry-run lists what would be copied and deleted, and changes nothing', async () => {
    await using dir = await tempDir();
    const { src, dst } = await fixture(dir.path);
    const before = await tree(dst);
    const rclone = new Rclone();
    const plain = await rclone.sync(src, dst, { dryRun: true, exclude: ['*.tmp'] });
    expect(plain.planned).toEqual({ copy: ['added.txt', 'changed.txt'], delete: ['gone.txt'] });
    expect(plain).toMatchObject({ transferred: 2, deleted: 1 });

    const withHistory = await rclone.sync(src, dst, { dryRun: true, backupDir: join(dir.path, 'history/x') });
    expect(withHistory.planned?.copy).toEqual(['added.txt', 'changed.txt', 'skip.tmp']);
    expect(withHistory.planned?.delete).toEqual(['gone.txt']);

    const copied = await rclone.copy(src, dst, { dryRun: true });
    expect(copied.planned?.copy).toEqual(['added.txt', 'changed.txt', 'skip.tmp']);
    expect(copied.planned?.delete).toEqual([]);

    expect(await tree(dst)).toEqual(before);
    await expect(readdir(join(dir.path, 'history'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('copy never deletes and reports its transfers', async () => {
    await using dir = await tempDir();
    const { src, dst } = await fixture(dir.path);
    const result = await new Rclone().copy(src, dst, { checksum: true });
    expect(result).toMatchObject({ transferred: 3, bytes: 11 + 5 + 9, deleted: 0 });
    expect(await tree(dst)).toMatchObject({ 'gone.txt': 'deleted at source', 'skip.tmp': 'temporary' });
  });
});
