import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  listMediaSnapshots,
  type MediaStorage,
  mediaBackup,
  mediaRestore,
  pruneMediaSnapshots,
} from '../src/index.js';
import { localStorage, snapshotDir, tempDir, writeFiles } from './media-helpers.js';

const execFileAsync = promisify(execFile);
const DAYS = ['2030-01-01', '2030-02-01', '2030-02-02', '2030-02-03', '2030-02-04'];

/**
 * Five snapshots: S1 a1 b1 c1 | S2 a→a2 | S3 b→b2 | S4 a→a3 | S5 c deleted.
 * History: S2 {a1}, S3 {b1}, S4 {a2}, S5 {c1}. Returns each snapshot's local state.
 */
async function fiveSnapshots(
  storage: MediaStorage,
  root: string,
): Promise<{ stamps: string[]; states: Record<string, string>[] }> {
  const stamps: string[] = [];
  const states: Record<string, string>[] = [];
  const steps: (() => Promise<void>)[] = [
    () => writeFiles(root, { 'a.txt': 'a1', 'b.txt': 'b1', 'c.txt': 'c1' }),
    () => writeFile(join(root, 'a.txt'), 'a2 longer'),
    () => writeFile(join(root, 'b.txt'), 'b2'),
    () => writeFile(join(root, 'a.txt'), 'a3'),
    () => rm(join(root, 'c.txt')),
  ];
  for (const [index, step] of steps.entries()) {
    await step();
    const result = await mediaBackup({ storage, root, now: () => new Date(`${DAYS[index]}T12:00:00Z`) });
    stamps.push(result.snapshot.stamp);
    states.push(await snapshotDir(root));
  }
  return { stamps, states };
}

async function historyDirs(remote: string): Promise<string[]> {
  return (await readdir(join(remote, 'media/history'))).sort();
}

describe('media retention', () => {
  let fixture: string;
  let stamps: string[];
  let states: Record<string, string>[];

  beforeAll(async () => {
    fixture = await mkdtemp(join(tmpdir(), 'bk-media-retention-'));
    const storage = localStorage(join(fixture, 'remote'));
    ({ stamps, states } = await fiveSnapshots(storage, join(fixture, 'media')));
  });
  afterAll(() => rm(fixture, { recursive: true, force: true }));

  /** A private copy of the five-snapshot remote and media root (times preserved). */
  async function copyFixture(): Promise<{ media: string; remote: string } & AsyncDisposable> {
    const dir = await mkdtemp(join(tmpdir(), 'bk-media-retention-copy-'));
    // GNU cp -a keeps nanosecond times (fs.cp rounds them to milliseconds).
    await execFileAsync('cp', ['-a', `${fixture}/.`, dir]);
    return {
      media: join(dir, 'media'),
      remote: join(dir, 'remote'),
      [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }),
    };
  }

  it('prunes snapshots with the history dirs only they needed (keep 2, then keep 3 after a sixth backup)', async () => {
    await using copy = await copyFixture();
    await using target = await tempDir('target');
    const storage = localStorage(copy.remote);
    expect(await historyDirs(copy.remote)).toEqual(stamps.slice(1));

    const before = await snapshotDir(copy.remote);
    const dry = await pruneMediaSnapshots({ storage, keep: 2, dryRun: true });
    expect(dry.removed.map((snapshot) => snapshot.stamp)).toEqual([stamps[2], stamps[1], stamps[0]]);
    expect(dry.removedHistory).toEqual([stamps[1], stamps[2], stamps[3]]);
    expect(await snapshotDir(copy.remote)).toEqual(before);

    // The same through mediaBackup's keep, after a backup that changes nothing.
    const result = await mediaBackup({
      storage,
      root: copy.media,
      keep: 3,
      now: () => new Date('2030-02-05T12:00:00Z'),
    });
    expect(result.transferred).toBe(0);
    expect(result.pruned.map((snapshot) => snapshot.stamp)).toEqual([stamps[2], stamps[1], stamps[0]]);
    expect((await listMediaSnapshots({ storage })).map((snapshot) => snapshot.stamp)).toEqual([
      result.snapshot.stamp,
      stamps[4],
      stamps[3],
    ]);
    // S4 still needs history/S5 (c1); a2 in history/S4 belonged only to pruned S2 and S3.
    expect(await historyDirs(copy.remote)).toEqual([stamps[4]]);
    await mediaRestore({ storage, root: target.path, at: stamps[3]!, delete: true });
    expect(await snapshotDir(target.path)).toEqual(states[3]);
  });

  it('keeps every history dir an older kept snapshot needs (monthly 2 keeps S1 and S5)', async () => {
    await using copy = await copyFixture();
    await using target = await tempDir('target');
    const storage = localStorage(copy.remote);

    const pruned = await pruneMediaSnapshots({ storage, keep: { monthly: 2 } });
    expect(
      pruned.decisions.filter((decision) => decision.keep).map((decision) => decision.item.stamp),
    ).toEqual([stamps[4], stamps[0]]);
    expect(pruned.removedHistory).toEqual([stamps[3]]);
    expect(await historyDirs(copy.remote)).toEqual([stamps[1], stamps[2], stamps[4]]);

    await mediaRestore({ storage, root: target.path, at: stamps[0]!, delete: true });
    expect(await snapshotDir(target.path)).toEqual(states[0]);
    await mediaRestore({ storage, root: target.path, at: stamps[4]!, delete: true });
    expect(await snapshotDir(target.path)).toEqual(states[4]);
  });

  it('never prunes the newest snapshot or a history dir newer than it', async () => {
    await using copy = await copyFixture();
    const storage = localStorage(copy.remote);
    // A history dir left by an unfinished sync after the newest snapshot.
    await writeFiles(join(copy.remote, 'media/history/2031-01-01-000000'), { 'b.txt': 'b2' });
    const pruned = await pruneMediaSnapshots({ storage, keep: { last: 1 } });
    expect(
      pruned.decisions.filter((decision) => decision.keep).map((decision) => decision.item.stamp),
    ).toEqual([stamps[4]]);
    expect(await historyDirs(copy.remote)).toEqual(['2031-01-01-000000']);
  });
});
