import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock, createStorage, MEDIA_LOCK_DIR } from '@bk/core';
import { describe, expect, it } from 'vitest';
import { bk, tempDir } from './helpers.js';

// The media commands through the built binary: exit codes, --json, and the snapshot round trip.
// The sync, history and matching logic itself is proved in packages/core/test/media-*.test.ts.
async function project() {
  const dir = await tempDir('bk-cli-media-');
  const media = join(dir, 'media');
  mkdirSync(join(media, 'avatars'), { recursive: true });
  writeFileSync(join(media, 'avatars', 'ada.png'), 'ada v1');
  writeFileSync(join(media, 'report 2026 ✓.pdf'), 'report');
  writeFileSync(join(media, '-leading-dash.txt'), 'dash');
  writeFileSync(
    join(dir, 'bk.config.json'),
    JSON.stringify({ remote: './remote', media: { root: './media', keep: { last: 5 } } }),
  );
  return { dir, media, remote: join(dir, 'remote') };
}

const snapshots = async (dir: string) => {
  const listed = await bk(dir, ['listbackups', '--media', '--json']);
  expect(listed.exitCode, listed.stderr).toBe(0);
  return JSON.parse(listed.stdout) as { stamp: string; files: number; size: number }[];
};

describe('bk mediabackup, mediarestore, listbackups --media', () => {
  it('backs up, lists, and restores an earlier snapshot exactly (--at), deleting only with --delete', async () => {
    const { dir, media } = await project();
    expect((await bk(dir, ['mediabackup'])).exitCode).toBe(0);
    const [first] = await snapshots(dir);
    expect(first).toMatchObject({ files: 3, size: 16 });

    writeFileSync(join(media, 'avatars', 'ada.png'), 'ada v2 (overwritten)');
    rmSync(join(media, 'report 2026 ✓.pdf'));
    expect((await bk(dir, ['mediabackup'])).exitCode).toBe(0);
    expect((await snapshots(dir)).map((snapshot) => snapshot.stamp)).toHaveLength(2);

    writeFileSync(join(media, 'created-later.txt'), 'new');
    const dry = await bk(dir, ['mediarestore', '--at', first!.stamp, '--dry-run', '--noinput']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(readFileSync(join(media, 'avatars', 'ada.png'), 'utf8')).toBe('ada v2 (overwritten)');

    const restored = await bk(dir, ['mediarestore', '--at', first!.stamp, '--noinput']);
    expect(restored.exitCode, restored.stderr).toBe(0);
    expect(readFileSync(join(media, 'avatars', 'ada.png'), 'utf8')).toBe('ada v1');
    expect(readFileSync(join(media, 'report 2026 ✓.pdf'), 'utf8')).toBe('report');
    expect(existsSync(join(media, 'created-later.txt'))).toBe(true);

    expect((await bk(dir, ['mediarestore', '--at', first!.stamp, '--delete', '--noinput'])).exitCode).toBe(0);
    expect(existsSync(join(media, 'created-later.txt'))).toBe(false);
    expect(readFileSync(join(media, '-leading-dash.txt'), 'utf8')).toBe('dash');
  });

  it('an empty media root while the remote has files is refused: exit 2, remote unchanged', async () => {
    const { dir, media, remote } = await project();
    expect((await bk(dir, ['mediabackup'])).exitCode).toBe(0);
    // The media lock's (empty) directory stays, as a database lock's does: no data of the backup.
    const objects = () =>
      readdirSync(remote, { recursive: true })
        .map(String)
        .filter((path) => !path.includes('.locks'))
        .sort();
    const before = objects();
    for (const entry of readdirSync(media)) rmSync(join(media, entry), { recursive: true });
    const refused = await bk(dir, ['mediabackup']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr.split('\n')[0]).toMatch(/^bk: .*empty/);
    expect(objects()).toEqual(before);
  });

  it('a sync deleting more than media.maxDeleteShare of the remote is refused (exit 2) unless --force', async () => {
    const { dir, media, remote } = await project();
    for (let index = 0; index < 7; index++)
      writeFileSync(join(media, `photo-${index}.jpg`), `photo ${index}`);
    expect((await bk(dir, ['mediabackup'])).exitCode).toBe(0);
    const before = await snapshots(dir);
    // 10 files on the remote; deleting 6 locally would delete 60% of them (default limit 50%).
    for (let index = 0; index < 6; index++) rmSync(join(media, `photo-${index}.jpg`));
    const refused = await bk(dir, ['mediabackup']);
    expect(refused.exitCode, refused.stderr).toBe(2);
    expect(refused.stderr.split('\n')[0]).toMatch(
      /^bk: media\.root: media backup would delete 6 of 10 remote files \(more than 50%\)/,
    );
    expect(await snapshots(dir)).toEqual(before);
    expect(readdirSync(join(remote, 'media', 'current'))).toContain('photo-0.jpg');
    // A higher share in the config lets it through, as --force does.
    writeFileSync(
      join(dir, 'bk.config.json'),
      JSON.stringify({ remote: './remote', media: { root: './media', maxDeleteShare: 0.75 } }),
    );
    const allowed = await bk(dir, ['mediabackup']);
    expect(allowed.exitCode, allowed.stderr).toBe(0);
    expect(allowed.stdout).toMatch(/6 deleted/);
    expect(readdirSync(join(remote, 'media', 'current'))).not.toContain('photo-0.jpg');
  });

  it('mediarestore asks first: without a terminal and without --noinput it refuses (exit 2)', async () => {
    const { dir } = await project();
    expect((await bk(dir, ['mediabackup'])).exitCode).toBe(0);
    const refused = await bk(dir, ['mediarestore']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/--noinput/);
    const unknown = await bk(dir, ['mediarestore', '--at', '2001-01-01-000000', '--noinput']);
    expect(unknown.exitCode).not.toBe(0);
    expect(unknown.stderr.split('\n')[0]).toMatch(/^bk: .*2001-01-01-000000/);
  });
});

describe('the media lock', () => {
  it('mediabackup, mediarestore and cleanup --media fail naming the holder, or wait with --wait', async () => {
    const { dir, remote } = await project();
    expect((await bk(dir, ['mediabackup'])).exitCode).toBe(0);
    const [first] = await snapshots(dir);
    const storage = createStorage(remote);
    // A live holder (this test process) of the media lock, as a running mediabackup would be.
    const held = await acquireLock({ storage, name: 'media', dir: MEDIA_LOCK_DIR, operation: 'mediabackup' });
    try {
      for (const args of [['mediabackup'], ['mediarestore', '--noinput'], ['cleanup', '--media']]) {
        const refused = await bk(dir, args);
        expect(refused.exitCode, args.join(' ')).toBe(1);
        expect(refused.stderr.split('\n')[0], args.join(' ')).toMatch(
          new RegExp(`^bk: media on .* is locked by mediabackup on .* \\(pid ${process.pid}\\)`),
        );
      }
      expect(await snapshots(dir)).toEqual([first]);
      // Dry runs change nothing and take no lock; a database lock named "media" is another lock.
      expect((await bk(dir, ['mediabackup', '--dry-run'])).exitCode).toBe(0);
      const dbLock = await acquireLock({ storage, name: 'media' });
      await dbLock.release();
    } finally {
      setTimeout(() => void held.release(), 1500);
    }
    const waited = await bk(dir, ['mediabackup', '--wait', '20s']);
    expect(waited.exitCode, waited.stderr).toBe(0);
    expect(await snapshots(dir)).toHaveLength(2);
    expect(readdirSync(join(remote, 'media', '.locks', 'media'))).toEqual([]);
  });
});

describe('bk listbackups --media --max-age', () => {
  it('exits 1 when there is no snapshot or the newest is older, 0 when it is fresh', async () => {
    const { dir } = await project();
    const none = await bk(dir, ['listbackups', '--media', '--max-age', '1h']);
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toContain('bk: stale media backup (older than 1h): there is no media snapshot');

    expect((await bk(dir, ['mediabackup'])).exitCode).toBe(0);
    const [snapshot] = await snapshots(dir);
    const fresh = await bk(dir, ['listbackups', '--media', '--max-age', '1h']);
    expect(fresh.exitCode, fresh.stderr).toBe(0);
    expect(fresh.stdout).toContain(snapshot!.stamp);

    await new Promise((resolve) => setTimeout(resolve, 1100));
    const stale = await bk(dir, ['listbackups', '--media', '--max-age', '1s', '--json']);
    expect(stale.exitCode).toBe(1);
    expect(stale.stderr).toContain(`the newest media snapshot is ${snapshot!.stamp}`);
    // --json: the array of snapshots, then the failed command's result object on its own line.
    const cut = stale.stdout.lastIndexOf('\n{"type":"result"');
    expect(JSON.parse(stale.stdout.slice(0, cut))).toHaveLength(1);
    expect(JSON.parse(stale.stdout.slice(cut))).toMatchObject({ ok: false, stale: [{ media: true }] });
  });

  it('refuses a bad duration and -d with --media (exit 2) before reading the remote', async () => {
    const { dir, remote } = await project();
    for (const args of [
      ['listbackups', '--media', '--max-age', 'soon'],
      ['listbackups', '--media', '-d', 'main'],
      ['listbackups', '--max-age', '0'],
    ]) {
      const refused = await bk(dir, args);
      expect(refused.exitCode, args.join(' ')).toBe(2);
      expect(refused.stderr.split('\n')[0], args.join(' ')).toMatch(
        /^bk: (--max-age: invalid duration|--database does not apply)/,
      );
    }
    expect(existsSync(remote)).toBe(false);
  });
});

describe('bk cleanup --media', () => {
  it('applies media.keep: --dry-run changes nothing, then the older snapshots and their history go', async () => {
    const { dir, media, remote } = await project();
    for (const version of ['v1', 'v2', 'v3']) {
      writeFileSync(join(media, 'avatars', 'ada.png'), `ada ${version}`);
      expect((await bk(dir, ['mediabackup'])).exitCode).toBe(0);
    }
    const before = await snapshots(dir);
    expect(before).toHaveLength(3);
    writeFileSync(
      join(dir, 'bk.config.json'),
      JSON.stringify({ remote: './remote', media: { root: './media', keep: { last: 1 } } }),
    );
    const files = () => readdirSync(remote, { recursive: true }).map(String).sort();
    const untouched = files();

    const dry = await bk(dir, ['cleanup', '--media', '--dry-run', '--json']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    const planned = JSON.parse(dry.stdout) as {
      dryRun: boolean;
      media: { decisions: { stamp: string; keep: boolean; keptBy: string[] }[]; removedHistory: string[] };
    };
    expect(planned.dryRun).toBe(true);
    expect(planned.media.decisions.map(({ stamp, keep }) => [stamp, keep])).toEqual([
      [before[0]!.stamp, true],
      [before[1]!.stamp, false],
      [before[2]!.stamp, false],
    ]);
    expect(planned.media.removedHistory.length).toBeGreaterThan(0);
    expect(files()).toEqual(untouched);

    const applied = await bk(dir, ['cleanup', '--media']);
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(new RegExp(`^keep +${before[0]!.stamp} +last`, 'm'));
    expect(applied.stdout).toMatch(new RegExp(`^remove +${before[1]!.stamp}`, 'm'));
    expect((await snapshots(dir)).map((snapshot) => snapshot.stamp)).toEqual([before[0]!.stamp]);
    for (const stamp of planned.media.removedHistory) {
      expect(existsSync(join(remote, 'media', 'history', stamp))).toBe(false);
    }
    // The snapshot kept still restores exactly.
    writeFileSync(join(media, 'avatars', 'ada.png'), 'changed after');
    expect((await bk(dir, ['mediarestore', '--noinput'])).exitCode).toBe(0);
    expect(readFileSync(join(media, 'avatars', 'ada.png'), 'utf8')).toBe('ada v3');
  });

  it('sweeps snapshot manifests a killed mediabackup left in media/.partial/, by age, under the lock', async () => {
    const { dir, remote } = await project();
    expect((await bk(dir, ['mediabackup'])).exitCode).toBe(0);
    const partial = join(remote, 'media', '.partial');
    mkdirSync(partial, { recursive: true });
    const stale = join(partial, '2020-01-01-000000.json');
    const fresh = join(partial, '2099-01-01-000000.json');
    writeFileSync(stale, '{"stamp":"2020-01-01-000000"}\n');
    writeFileSync(fresh, '{"stamp":"2099-01-01-000000"}\n');
    const twoDaysAgo = new Date(Date.now() - 48 * 3_600_000);
    utimesSync(stale, twoDaysAgo, twoDaysAgo);

    const dry = await bk(dir, ['cleanup', '--media', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^would sweep\s+media\/\.partial\/2020-01-01-000000\.json\s/m);
    expect(existsSync(stale)).toBe(true);

    const real = await bk(dir, ['cleanup', '--media', '--json']);
    expect(real.exitCode, real.stderr).toBe(0);
    const result = JSON.parse(real.stdout.trimEnd().split('\n').at(-1) ?? '');
    expect(result.swept.map((swept: { path: string }) => swept.path)).toEqual([
      'media/.partial/2020-01-01-000000.json',
    ]);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect(await snapshots(dir)).toHaveLength(1);

    const all = await bk(dir, ['cleanup', '--media', '--partials-older-than', '0']);
    expect(all.exitCode, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/^swept\s+media\/\.partial\/2099-01-01-000000\.json\s/m);
    expect(existsSync(fresh)).toBe(false);
  });

  it('without media.keep prunes no snapshot; -d with --media is refused (exit 2)', async () => {
    const { dir } = await project();
    expect((await bk(dir, ['mediabackup'])).exitCode).toBe(0);
    writeFileSync(
      join(dir, 'bk.config.json'),
      JSON.stringify({ remote: './remote', media: { root: './media' } }),
    );
    const none = await bk(dir, ['cleanup', '--media']);
    expect(none.exitCode, none.stderr).toBe(0);
    expect(none.stderr).toContain('no retention policy (media.keep); no snapshot is pruned');
    expect(await snapshots(dir)).toHaveLength(1);
    const refused = await bk(dir, ['cleanup', '--media', '-d', 'main']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr.split('\n')[0]).toBe('bk: --database does not apply to --media');
  });
});
