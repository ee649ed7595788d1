import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bk, tempDir, writeConfig } from './helpers.js';

// A media snapshot is complete or it does not exist: kill -9 of rclone or of bk itself in the
// middle of a sync leaves no new snapshot, and every earlier snapshot still restores exactly,
// although the killed sync already moved some of its files into history/.

/** path → sha256 of every file under `root`. */
async function contentOf(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[path.slice(root.length + 1)] = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  }
  return out;
}

/** Pid of the `rclone sync` child of `parent`, once it runs. */
async function syncChild(parent: number, deadline: number): Promise<number> {
  while (Date.now() < deadline) {
    for (const pid of await readdir('/proc').catch(() => [])) {
      if (!/^\d+$/.test(pid)) continue;
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== parent) continue;
      const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
      if (argv.includes('sync')) return Number(pid);
    }
    await new Promise((done) => setTimeout(done, 20));
  }
  throw new Error(`no rclone sync child of ${parent}`);
}

const snapshots = async (dir: string): Promise<string[]> => {
  const listed = await bk(dir, ['listbackups', '--media', '--json']);
  expect(listed.exitCode, listed.stderr).toBe(0);
  return (JSON.parse(listed.stdout) as { stamp: string }[]).map((snapshot) => snapshot.stamp);
};

describe('media: kill -9 mid-sync', () => {
  for (const victim of ['rclone', 'bk'] as const) {
    it(`of ${victim}: no snapshot is listed, and the earlier one restores byte-identical`, async () => {
      const dir = await tempDir('bk-media-kill-');
      const media = join(dir, 'media');
      await mkdir(join(media, 'photos'), { recursive: true });
      for (let index = 0; index < 120; index++)
        await writeFile(join(media, 'photos', `p${index}.jpg`), randomBytes(48 * 1024));
      await writeConfig(dir, { remote: './remote', media: { root: './media' } });
      expect((await bk(dir, ['mediabackup'])).exitCode).toBe(0);
      const [first] = await snapshots(dir);
      const firstContent = await contentOf(media);

      // Replace 80 files and delete 10; a 1 MiB/s limit makes the sync last ~4 s.
      for (let index = 0; index < 80; index++)
        await writeFile(join(media, 'photos', `p${index}.jpg`), randomBytes(48 * 1024 + 1));
      for (let index = 110; index < 120; index++) await rm(join(media, 'photos', `p${index}.jpg`));
      await writeConfig(dir, {
        remote: './remote',
        rclone: { flags: ['--bwlimit', '1M', '--transfers', '1'] },
        media: { root: './media' },
      });
      // bk() returns execa's promise, which carries the child's pid.
      const run = bk(dir, ['mediabackup']) as ReturnType<typeof bk> & { pid?: number };
      const rclone = await syncChild(run.pid!, Date.now() + 20_000);
      await new Promise((done) => setTimeout(done, 1500));
      process.kill(victim === 'rclone' ? rclone : run.pid!, 'SIGKILL');
      const result = await run;
      if (victim === 'rclone') {
        expect(result.exitCode, result.stderr).toBe(1);
        expect(result.stderr).toMatch(/rclone/);
        expect(result.stderr).toMatch(/SIGKILL|killed|signal/i);
      } else {
        expect(result.signal).toBe('SIGKILL');
        // The orphaned rclone sync goes on by itself; let it end before looking.
        try {
          process.kill(rclone, 'SIGKILL');
        } catch {}
      }
      expect(await snapshots(dir)).toEqual([first]);
      // The killed sync had already moved replaced files into history/ (so the restore below
      // must find them there) and left current/ half updated.
      const history = join(dir, 'remote', 'media', 'history');
      expect(existsSync(history)).toBe(true);
      const moved = (await readdir(history, { recursive: true, withFileTypes: true })).filter((entry) =>
        entry.isFile(),
      );
      expect(moved.length).toBeGreaterThan(0);

      // The earlier snapshot restores exactly, from current/ and the killed sync's history/.
      await writeConfig(dir, { remote: './remote', media: { root: './media' } });
      const restored = await bk(dir, ['mediarestore', '--at', first!, '--delete', '--noinput']);
      expect(restored.exitCode, restored.stderr).toBe(0);
      expect(await contentOf(media)).toEqual(firstContent);

      // And the next backup completes: a second snapshot of what is there now.
      await writeFile(join(media, 'photos', 'p0.jpg'), 'after the kill');
      const next = await bk(dir, ['mediabackup']);
      expect(next.exitCode, next.stderr).toBe(0);
      expect(await snapshots(dir)).toHaveLength(2);
    });
  }
});
