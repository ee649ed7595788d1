import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  listMediaSnapshots,
  type MediaManifest,
  mediaBackup,
  mediaRestore,
  parseMediaManifest,
} from '../src/index.js';
import { contents, localStorage, snapshotDir, steppingClock, tempDir, writeFiles } from './media-helpers.js';

describe('mediaBackup', () => {
  it('transfers only the changed file of 1,000 on the second backup, keeping the old version in history', async () => {
    await using media = await tempDir('root');
    await using remote = await tempDir('remote');
    const files: Record<string, string> = {};
    for (let index = 0; index < 1000; index += 1)
      files[`dir${index % 10}/file-${index}.txt`] = `content ${index}\n`;
    await writeFiles(media.path, files);
    const storage = localStorage(remote.path);
    const now = steppingClock();

    const first = await mediaBackup({ storage, root: media.path, now });
    expect(first).toMatchObject({ transferred: 1000, deleted: 0, unchanged: 0, dryRun: false });
    expect(first.snapshot).toMatchObject({ stamp: '2030-01-01-000000', files: 1000 });

    await writeFile(join(media.path, 'dir3/file-3.txt'), 'changed\n');
    const events: string[] = [];
    const second = await mediaBackup({
      storage,
      root: media.path,
      now,
      onEvent: (event) => events.push(event.type),
    });
    expect(second).toMatchObject({ transferred: 1, deleted: 0, unchanged: 999, bytes: 8 });
    expect(second.snapshot.stamp).toBe('2030-01-01-000100');
    expect(events[0]).toBe('started');
    expect(events.at(-1)).toBe('completed');

    expect(await contents(join(remote.path, 'media/history', second.snapshot.stamp))).toEqual({
      'dir3/file-3.txt': Buffer.from('content 3\n').toString('base64'),
    });
    const manifest: MediaManifest = parseMediaManifest(
      await import('node:fs/promises').then((fs) =>
        fs.readFile(join(remote.path, 'media/snapshots/2030-01-01-000100.json'), 'utf8'),
      ),
      'manifest',
    );
    expect(manifest).toMatchObject({ files: 1000, hashType: 'md5', remoteHashes: true });
    const entry = manifest.entries.find((item) => item.path === 'dir3/file-3.txt');
    expect(entry).toMatchObject({ size: 8, hash: 'ec1bebaea2c042beb68f7679ddd106a4' });
    expect(manifest.entries.every((item) => item.hash?.length === 32)).toBe(true);

    const listed = await listMediaSnapshots({ storage });
    expect(listed.map((snapshot) => snapshot.stamp)).toEqual(['2030-01-01-000100', '2030-01-01-000000']);
    expect(listed[0]).toMatchObject({ files: 1000, path: 'media/snapshots/2030-01-01-000100.json' });
  });

  it('never reuses a stamp, even when the clock repeats or goes back', async () => {
    await using media = await tempDir('root');
    await using remote = await tempDir('remote');
    await writeFiles(media.path, { 'a.txt': 'a' });
    const storage = localStorage(remote.path);
    const fixed = () => new Date('2030-05-05T05:05:05Z');
    const stamps: string[] = [];
    for (let run = 0; run < 3; run += 1) {
      await writeFile(join(media.path, 'a.txt'), `a${run}`);
      stamps.push((await mediaBackup({ storage, root: media.path, now: fixed })).snapshot.stamp);
    }
    const earlier = await mediaBackup({
      storage,
      root: media.path,
      now: () => new Date('2020-01-01T00:00:00Z'),
    });
    expect([...stamps, earlier.snapshot.stamp]).toEqual([
      '2030-05-05-050505',
      '2030-05-05-050506',
      '2030-05-05-050507',
      '2030-05-05-050508',
    ]);
  });

  it('refuses an empty media root and a mass delete, changing nothing on the remote', async () => {
    await using media = await tempDir('root');
    await using remote = await tempDir('remote');
    const files: Record<string, string> = {};
    for (let index = 0; index < 10; index += 1) files[`f${index}.txt`] = `f${index}`;
    await writeFiles(media.path, files);
    const storage = localStorage(remote.path);
    await mediaBackup({ storage, root: media.path, now: steppingClock() });
    const before = await snapshotDir(remote.path);

    for (let index = 0; index < 6; index += 1) await rm(join(media.path, `f${index}.txt`));
    const massDelete = mediaBackup({ storage, root: media.path });
    await expect(massDelete).rejects.toBeInstanceOf(ConfigError);
    await expect(massDelete).rejects.toMatchObject({ code: 'BK_MEDIA_MASS_DELETE', category: 'config' });
    expect(await snapshotDir(remote.path)).toEqual(before);

    for (let index = 6; index < 10; index += 1) await rm(join(media.path, `f${index}.txt`));
    await expect(mediaBackup({ storage, root: media.path })).rejects.toMatchObject({
      code: 'BK_MEDIA_ROOT_EMPTY',
      category: 'config',
    });
    await expect(mediaBackup({ storage, root: join(media.path, 'missing') })).rejects.toMatchObject({
      code: 'BK_MEDIA_ROOT_MISSING',
      key: 'media.root',
    });
    await expect(mediaBackup({ storage, root: media.path, dryRun: true })).rejects.toBeInstanceOf(
      ConfigError,
    );
    await expect(mediaBackup({ storage, root: media.path, keep: 0, force: true })).rejects.toMatchObject({
      category: 'config',
      key: 'media.keep',
    });
    expect(await snapshotDir(remote.path)).toEqual(before);

    // 4 of 10 deleted is under the default ratio; force lets everything go (into history).
    await writeFiles(media.path, { 'f6.txt': 'f6', 'f7.txt': 'f7', 'f8.txt': 'f8', 'f9.txt': 'f9' });
    await writeFiles(media.path, { 'f0.txt': 'f0', 'f1.txt': 'f1' });
    const partial = await mediaBackup({
      storage,
      root: media.path,
      now: steppingClock('2031-01-01T00:00:00Z'),
    });
    expect(partial).toMatchObject({ deleted: 4, transferred: 0, unchanged: 6 });
    await mkdir(join(media.path, 'empty'));
    for (const name of ['f0', 'f1', 'f6', 'f7', 'f8', 'f9']) await rm(join(media.path, `${name}.txt`));
    const forced = await mediaBackup({
      storage,
      root: media.path,
      force: true,
      now: steppingClock('2032-01-01T00:00:00Z'),
    });
    expect(forced).toMatchObject({ deleted: 6, transferred: 0, unchanged: 0 });
    expect(forced.snapshot.files).toBe(0);
  });

  it('dry runs report what would change and change nothing', async () => {
    await using media = await tempDir('root');
    await using remote = await tempDir('remote');
    await writeFiles(media.path, { 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c' });
    const storage = localStorage(remote.path);
    const dry = await mediaBackup({ storage, root: media.path, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, transferred: 3, deleted: 0 });
    expect(await snapshotDir(remote.path)).toEqual({});

    await mediaBackup({ storage, root: media.path, now: steppingClock() });
    const before = await snapshotDir(remote.path);
    await writeFile(join(media.path, 'a.txt'), 'changed');
    await writeFile(join(media.path, 'd.txt'), 'new');
    await rm(join(media.path, 'b.txt'));
    const second = await mediaBackup({ storage, root: media.path, dryRun: true, keep: 1 });
    expect(second).toMatchObject({ dryRun: true, transferred: 2, deleted: 1, unchanged: 1, pruned: [] });
    expect(await snapshotDir(remote.path)).toEqual(before);
  });

  it('keeps names with spaces, unicode, leading dashes and comment characters', async () => {
    await using media = await tempDir('root');
    await using remote = await tempDir('remote');
    const names = [
      'with space.txt',
      ' leading space.txt',
      'ünïcødé/日本語.txt',
      '-dash.txt',
      '--double',
      '#hash',
      ';semi',
      'a b/-c d.txt',
    ];
    await writeFiles(media.path, Object.fromEntries(names.map((name) => [name, `content of ${name}`])));
    const storage = localStorage(remote.path);
    const now = steppingClock();
    await mediaBackup({ storage, root: media.path, now });
    expect(await contents(join(remote.path, 'media/current'))).toEqual(await contents(media.path));
    for (const name of names) await writeFile(join(media.path, name), `changed ${name}`);
    const second = await mediaBackup({ storage, root: media.path, now });
    expect(second.transferred).toBe(names.length);
    expect(
      Object.keys(await contents(join(remote.path, 'media/history', second.snapshot.stamp))).sort(),
    ).toEqual([...names].sort());
    await using target = await tempDir('target');
    const restored = await mediaRestore({ storage, root: target.path, at: '2030-01-01-000000' });
    expect(restored.restored.every((file) => file.source === `history/${second.snapshot.stamp}`)).toBe(true);
    expect(Object.keys(await contents(target.path)).sort()).toEqual([...names].sort());
    expect(await readFile(join(target.path, '-dash.txt'), 'utf8')).toBe('content of -dash.txt');
    expect(await readFile(join(target.path, ' leading space.txt'), 'utf8')).toBe(
      'content of  leading space.txt',
    );
  });

  it('honours exclude patterns', async () => {
    await using media = await tempDir('root');
    await using remote = await tempDir('remote');
    await writeFiles(media.path, { 'keep.txt': 'k', 'cache/x.tmp': 'x', 'thumbs/a.jpg': 'a' });
    const storage = localStorage(remote.path);
    const result = await mediaBackup({
      storage,
      root: media.path,
      exclude: ['/cache/**', '*.jpg'],
      now: steppingClock(),
    });
    expect(result.snapshot.files).toBe(1);
    expect(Object.keys(await contents(join(remote.path, 'media/current')))).toEqual(['keep.txt']);
  });
});
