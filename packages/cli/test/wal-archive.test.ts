import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect, test } from 'vitest';
import { BIN, bk, cleanEnv, filesUnder, tempDir, writeConfig } from './helpers.js';

const SEGMENT = '000000010000000000000042';

/** A project whose database `main` is PostgreSQL (never contacted by wal-push/wal-fetch) and a WAL file. */
async function walProject(bytes = 256 * 1024, rclone: Record<string, unknown> = {}) {
  const dir = await tempDir('bk-wal-');
  await writeConfig(dir, {
    remote: './remote',
    rclone,
    databases: { main: 'postgres://postgres@127.0.0.1:1/none' },
  });
  await mkdir(join(dir, 'pg_wal'));
  const segment = join(dir, 'pg_wal', SEGMENT);
  await writeFile(segment, randomBytes(bytes));
  return { dir, segment, remote: join(dir, 'remote') };
}

const stored = (remote: string) => join(remote, 'wal/main/00000001', SEGMENT);

test('wal-push stores the segment and its manifest; pushing the same bytes again succeeds and stores nothing new', async () => {
  const { dir, segment, remote } = await walProject();
  const first = await bk(dir, ['wal-push', '-d', 'main', segment]);
  expect(first.stderr).toBe('');
  expect(first.exitCode).toBe(0);
  expect(await readFile(stored(remote))).toEqual(await readFile(segment));
  const manifest = JSON.parse(await readFile(`${stored(remote)}.json`, 'utf8'));
  expect(manifest).toMatchObject({ kind: 'wal', name: SEGMENT, timeline: '00000001', bytes: 256 * 1024 });
  const again = await bk(dir, ['--json', 'wal-push', '-d', 'main', segment]);
  expect(again.exitCode).toBe(0);
  expect(JSON.parse(again.stdout.trim().split('\n').at(-1)!)).toMatchObject({ ok: true, status: 'already' });
  expect(await filesUnder(join(remote, 'wal'))).toEqual([
    `main/00000001/${SEGMENT}`,
    `main/00000001/${SEGMENT}.json`,
  ]);
});

test('wal-push of other bytes under an archived name is refused and changes nothing (two clusters, one archive)', async () => {
  const { dir, segment, remote } = await walProject();
  expect((await bk(dir, ['wal-push', '-d', 'main', segment])).exitCode).toBe(0);
  const before = await readFile(stored(remote));
  await writeFile(segment, randomBytes(256 * 1024));
  const conflict = await bk(dir, ['wal-push', '-d', 'main', segment]);
  expect(conflict.exitCode).toBe(1);
  expect(conflict.stderr).toMatch(/already archived with other content/);
  expect(conflict.stderr).toMatch(/give each cluster its own -d NAME/);
  expect(await readFile(stored(remote))).toEqual(before);
});

test('wal-fetch of a segment the archive does not hold exits 1 and writes nothing', async () => {
  const { dir } = await walProject();
  const target = join(dir, 'RECOVERYXLOG');
  const missing = await bk(dir, ['wal-fetch', '-d', 'main', SEGMENT, target]);
  expect(missing.exitCode).toBe(1);
  expect(missing.stderr).toMatch(/is not in the archive of "main"/);
  const history = await bk(dir, ['wal-fetch', '-d', 'main', '00000002.history', target]);
  expect(history.exitCode).toBe(1);
  expect(existsSync(target)).toBe(false);
});

test('wal-fetch refuses a stored segment whose bytes changed: PostgreSQL never receives bad WAL', async () => {
  const { dir, segment, remote } = await walProject();
  expect((await bk(dir, ['wal-push', '-d', 'main', segment])).exitCode).toBe(0);
  const target = join(dir, 'restore-here', 'RECOVERYXLOG');
  await mkdir(join(dir, 'restore-here'));
  const good = await bk(dir, ['wal-fetch', '-d', 'main', SEGMENT, target]);
  expect(good.exitCode, good.stderr).toBe(0);
  expect(await readFile(target)).toEqual(await readFile(segment));

  // One flipped byte, same size: only the sha256 can tell.
  const bytes = await readFile(stored(remote));
  bytes[1000] = (bytes[1000] ?? 0) ^ 0xff;
  await writeFile(stored(remote), bytes);
  const target2 = join(dir, 'restore-here', 'RECOVERYXLOG2');
  const bad = await bk(dir, ['wal-fetch', '-d', 'main', SEGMENT, target2]);
  expect(bad.exitCode).toBe(1);
  expect(bad.stderr).toMatch(/corrupt: sha256/);
  expect(await filesUnder(join(dir, 'restore-here'))).toEqual(['RECOVERYXLOG']);
});

test('wal-push killed with SIGKILL mid-upload leaves nothing at the final name; the retry stores and verifies it', async () => {
  const { dir, segment, remote } = await walProject(2 * 1024 * 1024, { flags: ['--bwlimit', '256k'] });
  const child = execa(process.execPath, [BIN, 'wal-push', '-d', 'main', segment], {
    cwd: dir,
    reject: false,
    env: cleanEnv(),
  });
  const partial = join(remote, 'wal/main/.partial');
  const deadline = Date.now() + 20_000;
  // Wait until bytes are streaming into the staging object, then kill bk itself.
  while (!(await filesUnder(partial)).length) {
    if (Date.now() > deadline) throw new Error('wal-push never started uploading');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  child.kill('SIGKILL');
  const killed = await child;
  expect(killed.signal).toBe('SIGKILL');
  expect(existsSync(stored(remote))).toBe(false);
  expect(existsSync(`${stored(remote)}.json`)).toBe(false);
  // Nothing a restore could fetch.
  const fetch = await bk(dir, ['wal-fetch', '-d', 'main', SEGMENT, join(dir, 'x')]);
  expect(fetch.exitCode).toBe(1);

  await writeConfig(dir, { remote: './remote', databases: { main: 'postgres://postgres@127.0.0.1:1/none' } });
  const retry = await bk(dir, ['wal-push', '-d', 'main', segment]);
  expect(retry.exitCode, retry.stderr).toBe(0);
  expect(await readFile(stored(remote))).toEqual(await readFile(segment));
  const fetched = await bk(dir, ['wal-fetch', '-d', 'main', SEGMENT, join(dir, 'fetched')]);
  expect(fetched.exitCode, fetched.stderr).toBe(0);
  expect(await readFile(join(dir, 'fetched'))).toEqual(await readFile(segment));
}, 40_000);

test('bad input exits 2 and changes nothing', async () => {
  const { dir, remote } = await walProject();
  const cases: [string[], RegExp][] = [
    [['wal-push', '-d', 'main', join(dir, 'pg_wal', 'not-a-segment')], /is not a WAL file name/],
    [['wal-fetch', '-d', 'main', '../../etc/passwd', join(dir, 'x')], /is not a WAL file name/],
    [['wal-fetch', '-d', 'main', SEGMENT], /needs the WAL file name \(%f\) and the path/],
    [['wal-fetch', '-d', 'main', SEGMENT, join(dir, 'x'), 'extra'], /takes two operands/],
    [['wal-push', '-d', 'main'], /needs the path of the WAL file/],
    [
      [
        'dbrestore',
        '-d',
        'main',
        '--physical',
        '--at',
        '2026-12-08T01:30:00',
        '--data-dir',
        join(dir, 'new'),
        '--noinput',
      ],
      /not an ISO 8601 time with a zone/,
    ],
    [
      [
        'dbrestore',
        '-d',
        'main',
        '--physical',
        '--at',
        '2026-12-08T01:30:00Z',
        '--data-dir',
        dir,
        '--noinput',
      ],
      /is not empty/,
    ],
    [['dbrestore', '-d', 'main', '--physical', '--noinput'], /needs --data-dir/],
    [['dbrestore', '-d', 'main', '--at', '2026-12-08T01:30:00Z', '--noinput'], /pass --physical too/],
  ];
  for (const [args, message] of cases) {
    const result = await bk(dir, args);
    expect(result.stderr, args.join(' ')).toMatch(message);
    expect(result.exitCode, args.join(' ')).toBe(2);
  }
  expect(existsSync(remote)).toBe(false);
  expect(existsSync(join(dir, 'new'))).toBe(false);
});
