import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BIN, cleanEnv, writeConfig } from './helpers.js';
import { asPostgres, ScratchCluster, ScratchFolder } from './scratch-cluster.js';

/** bk as the postgres user (as archive_command runs it), in the scratch folder. */
function bkAsPostgres(folder: ScratchFolder, args: readonly string[]) {
  return asPostgres(folder.dir, process.execPath, [
    BIN,
    '--config',
    join(folder.dir, 'bk.config.json'),
    ...args,
  ]);
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let folder: ScratchFolder;
let source: ScratchCluster;

beforeAll(async () => {
  folder = await ScratchFolder.create();
  const version = await asPostgres(folder.dir, process.execPath, [BIN, '--version']);
  if (version.exitCode !== 0) {
    throw new Error(
      `the postgres user must be able to run ${BIN} (archive_command runs as postgres): ${version.stderr}`,
    );
  }
  const remote = await folder.folder('remote', 0o755);
  const archiveCommand = `${process.execPath} ${BIN} --quiet --config ${join(folder.dir, 'bk.config.json')} wal-push -d main %p`;
  source = await ScratchCluster.init(folder, 'source', {
    wal_level: 'replica',
    archive_mode: 'on',
    archive_command: archiveCommand,
    archive_timeout: '10s',
    fsync: 'off',
  });
  await writeConfig(folder.dir, { remote, databases: { main: source.url }, db: { keep: { last: 1 } } });
  await source.start();
  await source.sql(
    'CREATE TABLE events (id serial PRIMARY KEY, label text, at timestamptz DEFAULT clock_timestamp()); CREATE TABLE doomed (x int); INSERT INTO doomed VALUES (42);',
  );
  const backup = await bkAsPostgres(folder, ['dbbackup', '-d', 'main', '--physical']);
  expect(backup.stderr).toBe('');
  expect(backup.exitCode).toBe(0);
}, 60_000);

afterAll(async () => {
  await source?.stop();
  await folder?.[Symbol.asyncDispose]();
});

/** Runs bk as root (as an operator restoring would). */
function bkAsRoot(args: readonly string[]) {
  return execa(process.execPath, [BIN, '--config', join(folder.dir, 'bk.config.json'), ...args], {
    reject: false,
    env: cleanEnv(),
  });
}

test('a cluster archived with bk wal-push is restored to a moment T: exactly the rows committed before T, the table dropped after T still there', {
  timeout: 60_000,
}, async () => {
  for (let index = 1; index <= 5; index++)
    await source.sql(`INSERT INTO events (label) VALUES ('before ${index}')`);
  const moment = await source.sql(
    `SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (let index = 1; index <= 5; index++)
    await source.sql(`INSERT INTO events (label) VALUES ('after ${index}')`);
  await source.sql('DROP TABLE doomed');
  const last = await source.sql('SELECT pg_walfile_name(pg_switch_wal())');
  await waitFor('the last segment to be archived', async () => {
    const archived = await source.sql("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver");
    return archived >= last;
  });
  expect(await source.sql('SELECT failed_count FROM pg_stat_archiver'), await source.log()).toBe('0');

  const list = await bkAsPostgres(folder, ['--json', 'listbackups', '-d', 'main', '--physical']);
  expect(list.exitCode, list.stderr).toBe(0);
  expect(Date.parse(JSON.parse(list.stdout).window.from)).toBeLessThan(Date.parse(moment));

  // Restored by root into an empty folder owned by postgres: files get the folder's owner.
  const target = await folder.folder('restored');
  const restore = await bkAsRoot([
    'dbrestore',
    '-d',
    'main',
    '--physical',
    '--at',
    moment,
    '--data-dir',
    target,
    '--noinput',
  ]);
  expect(restore.stderr).toBe('');
  expect(restore.exitCode).toBe(0);
  expect((await stat(join(target, 'PG_VERSION'))).uid).toBe(folder.ids.uid);
  expect((await stat(target)).mode & 0o777).toBe(0o700);
  expect(await readdir(target)).toContain('recovery.signal');

  const restored = await ScratchCluster.existing(folder, target);
  try {
    // The restored cluster must not archive into the source's archive.
    await restored.start({ archive_mode: 'off' });
    await waitFor(
      'recovery to finish and promote',
      async () => (await restored.sql('SELECT pg_is_in_recovery()')) === 'f',
    );
    const rows = await restored.sql('SELECT label FROM events ORDER BY id');
    expect(
      rows.split('\n'),
      `${moment}\n${await restored.log()}${await readFile(join(target, 'postgresql.auto.conf'), 'utf8')}`,
    ).toEqual(['before 1', 'before 2', 'before 3', 'before 4', 'before 5']);
    expect(await restored.sql('SELECT x FROM doomed')).toBe('42');
  } finally {
    await restored.stop();
  }
});

test('a corrupt base backup restores nothing; a missing segment is a gap; cleanup keeps the WAL a kept base backup needs', {
  timeout: 60_000,
}, async () => {
  const verify = await bkAsPostgres(folder, ['verify', '-d', 'main', '--physical']);
  expect(verify.exitCode, `${verify.stdout}${verify.stderr}`).toBe(0);
  const remote = join(folder.dir, 'remote');
  const base = (await readdir(join(remote, 'wal/main/base'))).find((name) => name.endsWith('.tar'))!;
  const manifest = JSON.parse(await readFile(join(remote, 'wal/main/base', `${base}.json`), 'utf8'));
  const timelineDir = join(remote, 'wal/main/00000001');

  // One flipped byte in the middle of the base backup, same size: refused, the directory left empty.
  const tar = join(remote, 'wal/main/base', base);
  const bytes = await readFile(tar);
  const original = Buffer.from(bytes);
  bytes[Math.floor(bytes.length / 2)] = (bytes[Math.floor(bytes.length / 2)] ?? 0) ^ 0xff;
  await writeFile(tar, bytes);
  const target = await folder.folder('corrupt-target');
  const corrupt = await bkAsRoot([
    'dbrestore',
    '-d',
    'main',
    '--physical',
    '--data-dir',
    target,
    '--noinput',
  ]);
  expect(corrupt.stderr).toMatch(/corrupt: sha256/);
  expect(corrupt.exitCode).toBe(1);
  expect(await readdir(target)).toEqual([]);
  await writeFile(tar, original);

  // A segment the base backup needs, gone (manifest and object): verify names the gap.
  const needed = manifest.wal.endSegment as string;
  const saved = await readFile(join(timelineDir, `${needed}.json`));
  await rm(join(timelineDir, `${needed}.json`));
  const gap = await bkAsPostgres(folder, ['verify', '-d', 'main', '--physical']);
  expect(gap.exitCode).toBe(1);
  expect(`${gap.stdout}${gap.stderr}`).toContain(`WAL ${needed}..${needed} missing`);
  await writeFile(join(timelineDir, `${needed}.json`), saved);

  // keep last 1: the base backup stays, every segment from its start stays, older ones go.
  const before = (await readdir(timelineDir)).filter((name) => /^[0-9A-F]{24}$/.test(name));
  const cleanup = await bkAsPostgres(folder, ['--json', 'cleanup', '-d', 'main', '--physical']);
  expect(cleanup.exitCode, cleanup.stderr).toBe(0);
  const after = (await readdir(timelineDir)).filter((name) => /^[0-9A-F]{24}$/.test(name));
  expect(after).toEqual(before.filter((name) => name >= manifest.wal.startSegment));
  expect(after.length).toBeLessThan(before.length);
  expect(await readdir(join(remote, 'wal/main/base'))).toEqual([base, `${base}.json`].sort());
  expect((await bkAsPostgres(folder, ['verify', '-d', 'main', '--physical'])).exitCode).toBe(0);
});

test('a base backup killed with SIGKILL mid-stream is never listed and leaves nothing outside .partial/', {
  timeout: 60_000,
}, async () => {
  const remote = join(folder.dir, 'remote');
  const baseDir = join(remote, 'wal/main/base');
  const before = await readdir(baseDir);
  // Its own config: throttled uploads for this run only (archive_command keeps the fast one).
  const slow = join(folder.dir, 'slow.config.json');
  await writeFile(
    slow,
    JSON.stringify({ remote, rclone: { flags: ['--bwlimit', '512k'] }, databases: { main: source.url } }),
  );
  const child = execa(process.execPath, [BIN, '--config', slow, 'dbbackup', '-d', 'main', '--physical'], {
    reject: false,
    env: cleanEnv(),
  });
  const partial = join(remote, 'wal/main/.partial');
  await waitFor('the base backup to start streaming', async () =>
    (await readdir(partial).catch(() => [] as string[])).some((name) => name.includes('.tar.')),
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  child.kill('SIGKILL');
  expect((await child).signal).toBe('SIGKILL');
  expect(await readdir(baseDir)).toEqual(before);
  const list = await bkAsPostgres(folder, ['--json', 'listbackups', '-d', 'main', '--physical']);
  expect(list.exitCode, list.stderr).toBe(0);
  expect(JSON.parse(list.stdout).baseBackups).toHaveLength(1);
});
