import { execFileSync } from 'node:child_process';
import { lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Rclone } from '@bk/rclone';
import { describe, expect, it } from 'vitest';
import { BkError, type BkEvent, mediaBackup, mediaRestore, RcloneStorage } from '../src/index.js';
import { localStorage, MEDIA_REMOTES, snapshotDir, steppingClock, tempDir } from './media-helpers.js';

/** Every file under `dir`: raw name bytes (hex, `/`-joined) → content (hex). */
async function rawTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(current: Buffer, prefix: string): Promise<void> {
    const entries = await readdir(current, { withFileTypes: true, encoding: 'buffer' });
    for (const entry of entries) {
      const full = Buffer.concat([current, Buffer.from('/'), entry.name]);
      const key = `${prefix}${entry.name.toString('hex')}`;
      if (entry.isDirectory()) await walk(full, `${key}/`);
      else out[key] = (await readFile(full)).toString('hex');
    }
  }
  await walk(Buffer.from(dir), '');
  return out;
}

async function remoteFiles(remote: string): Promise<Record<string, string>> {
  return snapshotDir(remote);
}

async function caught(promise: Promise<unknown>): Promise<BkError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!BkError.isInstance(error)) throw new Error(`expected a BkError, got ${String(error)}`);
  return error;
}

describe('media names', () => {
  it('refuses two names that differ only in Unicode normalization, before anything is written', async () => {
    await using media = await tempDir('root');
    await using remote = await tempDir('remote');
    const storage = localStorage(remote.path);
    await writeFile(join(media.path, 'caf\u00e9.txt'), 'NFC');
    await writeFile(join(media.path, 'cafe\u0301.txt'), 'NFD');
    await writeFile(join(media.path, 'other.txt'), 'other');
    const error = await caught(mediaBackup({ storage, root: media.path, now: steppingClock() }));
    expect(error.code).toBe('BK_MEDIA_NAME_COLLISION');
    expect(error.message).toContain('caf\\u00e9.txt');
    expect(error.message).toContain('cafe\\u0301.txt');
    expect(error.category).toBe('config');
    expect(await remoteFiles(remote.path)).toEqual({});
  });

  it('refuses directories that collide under normalization too', async () => {
    await using media = await tempDir('root');
    await using remote = await tempDir('remote');
    const storage = localStorage(remote.path);
    await mkdir(join(media.path, 'caf\u00e9'));
    await mkdir(join(media.path, 'cafe\u0301'));
    await writeFile(join(media.path, 'caf\u00e9', 'a.txt'), 'a');
    await writeFile(join(media.path, 'cafe\u0301', 'b.txt'), 'b');
    const error = await caught(mediaBackup({ storage, root: media.path, now: steppingClock() }));
    expect(error.code).toBe('BK_MEDIA_NAME_COLLISION');
    expect(await remoteFiles(remote.path)).toEqual({});
  });

  it('refuses names that differ only in case when the remote is case-insensitive', async () => {
    await using media = await tempDir('root');
    await using remote = await tempDir('remote');
    const storage = new RcloneStorage({
      remote: `:local,case_insensitive=true:${remote.path}`,
      rclone: new Rclone(),
    });
    await writeFile(join(media.path, 'Photo.JPG'), 'upper');
    await writeFile(join(media.path, 'photo.jpg'), 'lower');
    const error = await caught(mediaBackup({ storage, root: media.path, now: steppingClock() }));
    expect(error.code).toBe('BK_MEDIA_NAME_COLLISION');
    expect(error.message).toMatch(/case/);
    expect(await remoteFiles(remote.path)).toEqual({});
    // The same names are fine on a case-sensitive remote.
    await mediaBackup({ storage: localStorage(remote.path), root: media.path, now: steppingClock() });
  });

  it('refuses a name that is not valid UTF-8, before anything is written', async () => {
    await using media = await tempDir('root');
    await using remote = await tempDir('remote');
    const storage = localStorage(remote.path);
    await writeFile(
      Buffer.concat([Buffer.from(`${media.path}/bad`), Buffer.from([0xff]), Buffer.from('.txt')]),
      'x',
    );
    await writeFile(join(media.path, 'good.txt'), 'good');
    const error = await caught(mediaBackup({ storage, root: media.path, now: steppingClock() }));
    expect(error.code).toBe('BK_MEDIA_NAME_UNSUPPORTED');
    expect(error.message).toMatch(/UTF-8/);
    expect(await remoteFiles(remote.path)).toEqual({});
  });

  it("refuses a name with rclone's quote character, which rclone 1.60 cannot read back", async () => {
    await using media = await tempDir('root');
    await using remote = await tempDir('remote');
    const storage = localStorage(remote.path);
    await writeFile(join(media.path, 'it\u201bs.txt'), 'quote');
    const error = await caught(mediaBackup({ storage, root: media.path, now: steppingClock() }));
    expect(error.code).toBe('BK_MEDIA_NAME_UNSUPPORTED');
    expect(await remoteFiles(remote.path)).toEqual({});
  });

  it('restores a snapshot holding a newline name in place with --delete (the reported case)', async () => {
    await using media = await tempDir('root');
    await using remote = await tempDir('remote');
    const storage = localStorage(remote.path);
    await writeFile(join(media.path, 'line\nbreak.txt'), 'v1');
    await writeFile(join(media.path, 'plain.txt'), 'v1');
    await mediaBackup({ storage, root: media.path, now: steppingClock() });
    const backedUp = await rawTree(media.path);
    await writeFile(join(media.path, 'line\nbreak.txt'), 'changed');
    await writeFile(join(media.path, 'plain.txt'), 'changed too');
    await writeFile(join(media.path, 'extra\n.txt'), 'new');
    const result = await mediaRestore({ storage, root: media.path, delete: true });
    expect(result.deleted).toEqual(['extra\u240a.txt']);
    expect(await rawTree(media.path)).toEqual(backedUp);
  });

  it('refuses a forged manifest whose path leads out of the media root, writing nothing', async () => {
    await using media = await tempDir('root');
    await using remote = await tempDir('remote');
    await using target = await tempDir('target');
    const storage = localStorage(remote.path);
    await writeFile(join(media.path, 'a.txt'), 'a');
    const backup = await mediaBackup({ storage, root: media.path, now: steppingClock() });
    const manifestFile = join(remote.path, backup.snapshot.path);
    const text = await readFile(manifestFile, 'utf8');
    for (const forged of ['../escape.txt', '/tmp/escape.txt', 'x/../../escape.txt']) {
      await writeFile(manifestFile, text.replace('"path":"a.txt"', `"path":${JSON.stringify(forged)}`));
      const error = await caught(
        mediaRestore({ storage, root: join(target.path, 'root'), at: backup.snapshot.stamp }),
      );
      expect(error.code).toBe('BK_MEDIA_MANIFEST_INVALID');
      expect(await readdir(target.path)).toEqual([]);
    }
  });

  it('warns about symlinks rclone does not follow and FIFOs it cannot copy, and records them in the result', async () => {
    await using media = await tempDir('root');
    await using remote = await tempDir('remote');
    const storage = localStorage(remote.path);
    await writeFile(join(media.path, 'real.txt'), 'real');
    await symlink('real.txt', join(media.path, 'link.txt'));
    await symlink('/nonexistent', join(media.path, 'dangling'));
    execFileSync('mkfifo', [join(media.path, 'pipe')]);
    const events: BkEvent[] = [];
    const result = await mediaBackup({
      storage,
      root: media.path,
      now: steppingClock(),
      onEvent: (event) => events.push(event),
    });
    expect(result.warnings.map((warning) => [warning.kind, warning.path]).sort()).toEqual([
      ['special-file', 'pipe'],
      ['symlink', 'dangling'],
      ['symlink', 'link.txt'],
    ]);
    const messages = events.flatMap((event) => (event.type === 'warning' ? [event.message] : []));
    expect(messages.join('\n')).toMatch(/link\.txt.*symlink/);
    expect(result.snapshot.files).toBe(1);
  });

  it('refuses a restore whose files cannot be put in place (a directory in the way), changing nothing', async () => {
    await using media = await tempDir('root');
    await using remote = await tempDir('remote');
    const storage = localStorage(remote.path);
    await mkdir(join(media.path, 'dir'));
    await writeFile(join(media.path, 'a.txt'), 'a1');
    await writeFile(join(media.path, 'dir/x.txt'), 'x1');
    await writeFile(join(media.path, 'z.txt'), 'z1');
    await mediaBackup({ storage, root: media.path, now: steppingClock() });
    // Now `dir` is a file, `z.txt` a directory, and `a.txt` changed: nothing may be reverted.
    await writeFile(join(media.path, 'a.txt'), 'a2');
    await readdir(join(media.path, 'dir')).then(async () => {
      const { rm } = await import('node:fs/promises');
      await rm(join(media.path, 'dir'), { recursive: true });
      await rm(join(media.path, 'z.txt'));
    });
    await writeFile(join(media.path, 'dir'), 'now a file');
    await mkdir(join(media.path, 'z.txt'));
    const before = await rawTree(media.path);
    const error = await caught(mediaRestore({ storage, root: media.path, delete: true }));
    expect(error.code).toBe('BK_MEDIA_RESTORE_CONFLICT');
    expect(error.message).toContain('dir');
    expect(await rawTree(media.path)).toEqual(before);
    expect((await lstat(join(media.path, 'z.txt'))).isDirectory()).toBe(true);
  });

  it('rolls a restore back when it is interrupted between renames: the root is as it was', async () => {
    await using media = await tempDir('root');
    await using remote = await tempDir('remote');
    const storage = localStorage(remote.path);
    for (let index = 0; index < 20; index++) await writeFile(join(media.path, `f${index}.txt`), 'v1');
    await mediaBackup({ storage, root: media.path, now: steppingClock() });
    for (let index = 0; index < 20; index++) await writeFile(join(media.path, `f${index}.txt`), 'v2');
    await writeFile(join(media.path, 'extra.txt'), 'extra');
    const before = await rawTree(media.path);
    const controller = new AbortController();
    const error = await caught(
      mediaRestore({
        storage,
        root: media.path,
        delete: true,
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'progress' && event.phase === 'apply' && (event.files ?? 0) >= 3)
            controller.abort();
        },
      }),
    );
    expect(error.code).toBe('BK_ABORTED');
    expect(await rawTree(media.path)).toEqual(before);
    expect((await readdir(media.path)).filter((name) => name.startsWith('.bk-restore-'))).toEqual([]);
  });
});

describe.each(MEDIA_REMOTES)('media names round-trip (%s)', (_name, makeStorage) => {
  it('backs up and restores odd names byte-exact: newline, CR, tab, DEL, spaces, *?:, backslash, %, ␊', async () => {
    await using media = await tempDir('root');
    await using remote = await tempDir('remote');
    await using target = await tempDir('target');
    const storage = await makeStorage(remote.path);
    const names = [
      'new\nline.txt',
      'cr\rx',
      'tab\tx',
      'del\u007fx',
      ' lead',
      'trail ',
      'st*r?q:c',
      'back\\slash',
      'pct%41',
      'lit\u240ax',
      'emoji-\u{1f600}',
      '.hidden',
      'caf\u00e9.txt',
      'sub\ndir/inner\u0001.bin',
    ];
    for (const [index, name] of names.entries()) {
      await mkdir(join(media.path, name, '..'), { recursive: true });
      await writeFile(join(media.path, name), `content ${index}`);
    }
    const backup = await mediaBackup({ storage, root: media.path, now: steppingClock() });
    expect(backup.snapshot.files).toBe(names.length);
    await mediaRestore({ storage, root: target.path });
    expect(await rawTree(target.path)).toEqual(await rawTree(media.path));
  });
});
