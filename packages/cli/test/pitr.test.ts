import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect, test } from 'vitest';
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

test('a cluster archived with bk wal-push is restored to a moment T: exactly the rows committed before T, the table dropped after T still there', {
  timeout: 90_000,
}, async () => {
  await using folder = await ScratchFolder.create();
  const version = await asPostgres(folder.dir, process.execPath, [BIN, '--version']);
  expect(
    version.exitCode,
    `the postgres user must be able to run ${BIN} (archive_command runs as postgres): ${version.stderr}`,
  ).toBe(0);
  const remote = await folder.folder('remote', 0o755);
  const archiveCommand = `${process.execPath} ${BIN} --quiet --config ${join(folder.dir, 'bk.config.json')} wal-push -d main %p`;
  const source = await ScratchCluster.init(folder, 'source', {
    wal_level: 'replica',
    archive_mode: 'on',
    archive_command: archiveCommand,
    archive_timeout: '10s',
    fsync: 'off',
  });
  await writeConfig(folder.dir, { remote, databases: { main: source.url } });
  await source.start();
  let restored: ScratchCluster | undefined;
  try {
    await source.sql(
      'CREATE TABLE events (id serial PRIMARY KEY, label text, at timestamptz DEFAULT clock_timestamp()); CREATE TABLE doomed (x int); INSERT INTO doomed VALUES (42);',
    );
    const backup = await bkAsPostgres(folder, ['dbbackup', '-d', 'main', '--physical']);
    expect(backup.stderr).toBe('');
    expect(backup.exitCode).toBe(0);

    for (let index = 1; index <= 5; index++)
      await source.sql(`INSERT INTO events (label) VALUES ('before ${index}')`);
    const moment = await source.sql(
      'SELECT to_char(clock_timestamp() AT TIME ZONE \'UTC\', \'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\')',
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
    const failed = await source.sql('SELECT failed_count FROM pg_stat_archiver');
    expect(failed, await source.log()).toBe('0');

    const list = await bkAsPostgres(folder, ['--json', 'listbackups', '-d', 'main', '--physical']);
    expect(list.exitCode, list.stderr).toBe(0);
    const window = JSON.parse(list.stdout).window;
    expect(Date.parse(window.from)).toBeLessThan(Date.parse(moment));
    const verify = await bkAsPostgres(folder, ['verify', '-d', 'main', '--physical']);
    expect(verify.exitCode, `${verify.stdout}${verify.stderr}`).toBe(0);

    // Restored by root into an empty folder owned by postgres: files get the folder's owner.
    const target = await folder.folder('restored');
    const restore = await execa(
      process.execPath,
      [
        BIN,
        '--config',
        join(folder.dir, 'bk.config.json'),
        'dbrestore',
        '-d',
        'main',
        '--physical',
        '--at',
        moment,
        '--data-dir',
        target,
        '--noinput',
      ],
      { reject: false, env: cleanEnv() },
    );
    expect(restore.stderr).toBe('');
    expect(restore.exitCode).toBe(0);
    expect((await stat(join(target, 'PG_VERSION'))).uid).toBe(folder.ids.uid);
    expect((await stat(target)).mode & 0o777).toBe(0o700);
    expect(await readdir(target)).toContain('recovery.signal');

    restored = await ScratchCluster.existing(folder, target);
    // The restored cluster must not archive into the source's archive.
    await restored.start({ archive_mode: 'off' });
    await waitFor(
      'recovery to finish and promote',
      async () => (await restored!.sql('SELECT pg_is_in_recovery()')) === 'f',
    );
    const rows = await restored.sql('SELECT label FROM events ORDER BY id');
    expect(
      rows.split('\n'),
      `${moment}\n${await restored.log()}${await readFile(join(target, 'postgresql.auto.conf'), 'utf8')}`,
    ).toEqual(['before 1', 'before 2', 'before 3', 'before 4', 'before 5']);
    expect(await restored.sql('SELECT x FROM doomed')).toBe('42');
  } finally {
    await restored?.stop();
    await source.stop();
  }
});
