import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { type BkResult, bk, filesUnder, psql, tempDir, uniqueName, writeConfig } from './helpers.js';

const mounts: string[] = [];
const servers: ChildProcess[] = [];
const pgDatabases: string[] = [];
afterAll(async () => {
  for (const server of servers) server.kill('SIGKILL');
  for (const mount of mounts) await execa('umount', ['-l', mount], { reject: false });
  for (const name of pgDatabases) await psql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Polls `probe` every 50 ms until it returns a value (not undefined), or fails after `timeoutMs`. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The pid of a live child of `parent` named `name` (its `comm`), if any. */
async function childNamed(parent: number, name: string): Promise<number | undefined> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid ...
    const match = /^\d+ \((.*)\) \S+ (\d+)/.exec(stat);
    if (match && match[1] === name && Number(match[2]) === parent) return Number(entry);
  }
  return undefined;
}

/** Bytes `pid` has read so far (`rchar` of /proc/<pid>/io). */
async function bytesRead(pid: number): Promise<number> {
  const io = await readFile(`/proc/${pid}/io`, 'utf8').catch(() => '');
  return Number(/rchar: (\d+)/.exec(io)?.[1] ?? 0);
}

/** The complete backups `bk listbackups --json` prints. */
async function listed(dir: string, env?: Record<string, string>): Promise<string[]> {
  const result = await bk(dir, ['listbackups', '--json'], { env });
  expect(result.exitCode, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { name: string }[]).map((backup) => backup.name);
}

/** A SQLite file with `rows` rows of 200 random hex characters (~430 bytes of dump per row). */
function sqliteFile(file: string, rows: number): void {
  const db = new DatabaseSync(file);
  db.exec(`CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, body TEXT);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows})
    INSERT INTO items (body) SELECT hex(randomblob(100)) FROM n;`);
  db.close();
}

/** Backs up once, successfully: the "earlier backup" every fault must leave alone. */
async function baseline(dir: string, env?: Record<string, string>): Promise<string> {
  const first = await bk(dir, ['dbbackup', '--clean'], { env });
  expect(first.exitCode, first.stderr).toBe(0);
  const names = await listed(dir, env);
  expect(names).toHaveLength(1);
  return names[0]!;
}

/** After a failed backup: only the earlier backup is listed, it verifies, cleanup sweeps the rest. */
/**
 * The earlier backup is still the only one, verifies, and nothing else is in `db/`. cleanup sweeps
 * the leftovers but refuses to prune (exit 1): the failed run left a failure record, or a lock it
 * could not release, which cleanup turns into that record.
 */
async function assertUntouched(dir: string, dbDir: string, name: string, env?: Record<string, string>) {
  expect(await listed(dir, env)).toEqual([name]);
  const verified = await bk(dir, ['verify'], { env });
  expect(verified.exitCode, verified.stderr).toBe(0);
  const top = (await readdir(dbDir, { withFileTypes: true })).filter((entry) => entry.isFile());
  expect(top.map((entry) => entry.name).sort()).toEqual([name, `${name}.json`]);
  const cleanup = await bk(dir, ['cleanup', '--partials-older-than', '0'], { env });
  expect(cleanup.exitCode, cleanup.stderr).toBe(1);
  expect(cleanup.stderr).toMatch(/the last backup of default \([^)]+\) failed: .*not pruning/);
  expect(await filesUnder(dbDir)).toEqual([name, `${name}.json`, '.partial/.failed-default.json'].sort());
}

function expectRcloneFailure(result: BkResult) {
  expect(result.exitCode, result.stderr).toBe(1);
  expect(result.stderr).toMatch(/rclone/);
}

describe('remote disk full', () => {
  it('a 1 MiB tmpfs remote (or --max-transfer where mounting is refused): exit 1 naming rclone, nothing listed', async () => {
    const dir = await tempDir('bk-diskfull-');
    const remote = join(dir, 'remote');
    await mkdir(remote);
    const mounted =
      (await execa('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', remote], { reject: false }))
        .exitCode === 0;
    if (mounted) mounts.push(remote);
    const file = join(dir, 'app.db');
    sqliteFile(file, 300); // ~130 kB of dump: fits
    const config = (flags: string[]) => ({
      remote: './remote',
      rclone: { flags },
      databases: { default: `sqlite:${file}` },
      db: { keep: { last: 1 } },
    });
    const limit = mounted ? [] : ['--max-transfer', '200k', '--cutoff-mode', 'hard'];
    await writeConfig(dir, config(limit));
    const name = await baseline(dir);
    sqliteFile(file, 4000); // ~1.9 MB of dump: does not fit
    const full = await bk(dir, ['dbbackup', '--clean']);
    expectRcloneFailure(full);
    expect(full.stderr).toMatch(mounted ? /no space left on device/i : /max.transfer/i);
    await assertUntouched(dir, join(remote, 'db'), name);
  });

  it('rclone --max-transfer 200k --cutoff-mode hard: exit 1 naming rclone and the limit, nothing listed', async () => {
    const dir = await tempDir('bk-maxtransfer-');
    const file = join(dir, 'app.db');
    sqliteFile(file, 300);
    await writeConfig(dir, {
      remote: './remote',
      rclone: { flags: ['--max-transfer', '200k', '--cutoff-mode', 'hard'] },
      databases: { default: `sqlite:${file}` },
      db: { keep: { last: 1 } },
    });
    const name = await baseline(dir);
    sqliteFile(file, 1500);
    const full = await bk(dir, ['dbbackup', '--clean']);
    expectRcloneFailure(full);
    expect(full.stderr).toMatch(/max.transfer/i);
    await assertUntouched(dir, join(dir, 'remote', 'db'), name);
  });
});

/** A TCP port that was free a moment ago on 127.0.0.1. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** `rclone serve sftp DIR` on `port`, resolved once it accepts connections. */
async function serveSftp(root: string, port: number): Promise<ChildProcess> {
  const server = spawn(
    'rclone',
    ['serve', 'sftp', root, '--addr', `127.0.0.1:${port}`, '--user', 'u', '--pass', 'p'],
    { stdio: 'ignore' },
  );
  servers.push(server);
  await waitFor(`sftp server on ${port}`, async () => {
    const ok = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    return ok ? true : undefined;
  });
  return server;
}

describe('remote gone mid-upload', () => {
  it('the sftp server is killed while a backup streams: exit 1 naming rclone, nothing listed once it is back', async () => {
    const dir = await tempDir('bk-sftp-gone-');
    const root = join(dir, 'sftp-root');
    await mkdir(root);
    const port = await freePort();
    let server = await serveSftp(root, port);
    const obscured = (await execa('rclone', ['obscure', '-'], { input: 'p' })).stdout.trim();
    const env = {
      RCLONE_CONFIG_TSFTP_TYPE: 'sftp',
      RCLONE_CONFIG_TSFTP_HOST: '127.0.0.1',
      RCLONE_CONFIG_TSFTP_PORT: String(port),
      RCLONE_CONFIG_TSFTP_USER: 'u',
      RCLONE_CONFIG_TSFTP_PASS: obscured,
    };
    const file = join(dir, 'app.db');
    sqliteFile(file, 300);
    const config = (flags: string[]) => ({
      remote: 'tsftp:bk',
      rclone: { flags },
      databases: { default: `sqlite:${file}` },
      db: { keep: { last: 1 } },
    });
    await writeConfig(dir, config([]));
    const name = await baseline(dir, env);
    sqliteFile(file, 3000); // ~1.3 MB of dump at 200 kB/s: ~6 s of upload
    // Each rclone call against a dead sftp server retries its connection for ~11 s by default.
    await writeConfig(dir, config(['--bwlimit', '200k', '--low-level-retries', '1']));
    const running = bk(dir, ['dbbackup', '--clean'], { env });
    const partial = join(root, 'bk', 'db', '.partial');
    await waitFor('a partial upload of 100 kB', async () => {
      const files = await readdir(partial, { withFileTypes: true }).catch(() => []);
      for (const entry of files) {
        if (!entry.isFile() || entry.name.includes('.json.')) continue;
        const { size } = await stat(join(partial, entry.name));
        if (size > 100_000) return true;
      }
      return undefined;
    });
    server.kill('SIGKILL');
    const gone = await running;
    expectRcloneFailure(gone);
    // rclone reports the dead server as "connection lost" or, when the reset reaches its SSH layer
    // first, "connection reset by peer"; bk then tags the failure "(remote unreachable)".
    expect(gone.stderr).toMatch(/rclone rcat exited 1( \(remote unreachable\))?: .*connection (lost|reset)/);
    server = await serveSftp(root, port);
    await writeConfig(dir, config([]));
    // The server was dead when the failed run tried to write its failure record and release its
    // lock: the next run (cleanup) finds that stale lock and turns it into the failure record.
    await assertUntouched(dir, join(root, 'bk', 'db'), name, env);
    server.kill('SIGKILL');
  });
});

/**
 * Runs `bk dbrestore --noinput` with the download throttled, waits until the restore tool (`tool`,
 * a child of bk) has read a third of the backup, and kills `victim` (bk itself or the tool) with
 * SIGKILL. Resolves with bk's outcome once the orphans (if any) have exited.
 */
async function killRestore(dir: string, tool: string, victim: 'bk' | 'tool', backupBytes: number) {
  const running = bk(dir, ['dbrestore', '--noinput']);
  const bkPid = (running as unknown as { pid: number }).pid;
  const toolPid = await waitFor(`${tool} under bk`, () => childNamed(bkPid, tool));
  await waitFor(`${tool} to read a third of the backup`, async () =>
    (await bytesRead(toolPid)) > backupBytes / 3 ? true : undefined,
  );
  process.kill(victim === 'bk' ? bkPid : toolPid, 'SIGKILL');
  const result = await running;
  // A killed bk leaves the tool and `rclone cat` orphaned: wait for the tool to see EOF and exit.
  await waitFor(`${tool} to exit`, async () => (existsSync(`/proc/${toolPid}`) ? undefined : true));
  return result;
}

function expectKilled(result: BkResult, victim: 'bk' | 'tool', tool: RegExp) {
  if (victim === 'bk') {
    expect(result.signal, result.stderr).toBe('SIGKILL');
  } else {
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr).toMatch(tool);
    expect(result.stderr).toMatch(/SIGKILL|killed|signal/i);
  }
}

describe('restore killed mid-way', () => {
  it('SQLite: kill -9 of bk dbrestore or sqlite3 leaves the target byte-identical; a killed bk’s temp file goes at the next restore', async () => {
    const dir = await tempDir('bk-restore-kill-sqlite-');
    const data = join(dir, 'data');
    await mkdir(data);
    const file = join(data, 'app.db');
    sqliteFile(file, 3000); // ~1.3 MB of dump
    const config = (flags: string[]) => ({
      remote: './remote',
      rclone: { flags },
      databases: { default: `sqlite:${file}` },
    });
    await writeConfig(dir, config([]));
    const backup = await bk(dir, ['dbbackup', '--json']);
    expect(backup.exitCode, backup.stderr).toBe(0);
    const [{ size }] = JSON.parse((await bk(dir, ['listbackups', '--json'])).stdout) as [{ size: number }];
    sqliteFile(file, 10); // the live file now differs from the backup: a restore would change it
    const before = await readFile(file);
    await writeConfig(dir, config(['--bwlimit', '300k']));
    for (const victim of ['tool', 'bk'] as const) {
      const result = await killRestore(dir, 'sqlite3', victim, size);
      expectKilled(result, victim, /sqlite3/);
      expect((await readFile(file)).equals(before), `target changed after kill -9 of ${victim}`).toBe(true);
      const beside = (await readdir(data)).filter((name) => name !== 'app.db');
      if (victim === 'tool') {
        // bk saw sqlite3 die and removed the new file.
        expect(beside, 'left beside the target after kill -9 of sqlite3').toEqual([]);
      } else {
        // A killed bk cannot clean up: its new file (and sqlite3's journal of that file) stay. They
        // have their own name, so SQLite never applies them to app.db; the next restore removes them.
        expect(beside.length, beside.join(', ')).toBeGreaterThan(0);
        for (const name of beside)
          expect(name).toMatch(/^\.app\.db\.bk-restore-[0-9a-f]{8}-\d+-[0-9a-f]{12}(-journal)?$/);
      }
    }
    // The restore itself works (so the kills above really stopped it before it committed), and it
    // removes what the killed bk left.
    await writeConfig(dir, config([]));
    const restored = await bk(dir, ['dbrestore', '--noinput']);
    expect(restored.exitCode, restored.stderr).toBe(0);
    expect((await readFile(file)).equals(before)).toBe(false);
    expect(await readdir(data)).toEqual(['app.db']);
  });

  it('PostgreSQL: kill -9 of bk dbrestore or pg_restore leaves every table unchanged', async () => {
    const database = uniqueName('bk_restore_kill');
    pgDatabases.push(database);
    await psql('postgres', `CREATE DATABASE ${database}`);
    await psql(
      database,
      `CREATE TABLE items (id serial PRIMARY KEY, body text);
       INSERT INTO items (body) SELECT md5(random()::text) || md5(random()::text) FROM generate_series(1, 40000);`,
    );
    const dir = await tempDir('bk-restore-kill-pg-');
    const config = (flags: string[]) => ({
      remote: './remote',
      rclone: { flags },
      databases: { default: `postgres://postgres@127.0.0.1:5432/${database}` },
    });
    await writeConfig(dir, config([]));
    const backup = await bk(dir, ['dbbackup']);
    expect(backup.exitCode, backup.stderr).toBe(0);
    const [{ size }] = JSON.parse((await bk(dir, ['listbackups', '--json'])).stdout) as [{ size: number }];
    // Change the live database after the backup: a restore would undo this.
    await psql(
      database,
      `UPDATE items SET body = 'changed' WHERE id % 1000 = 0; DELETE FROM items WHERE id > 39990;
       CREATE TABLE extra (a int); INSERT INTO extra VALUES (1), (2);`,
    );
    const checksum = () =>
      psql(
        database,
        `SELECT (SELECT count(*) || ':' || md5(string_agg(id || '=' || body, ',' ORDER BY id)) FROM items)
           || ' extra=' || (SELECT string_agg(a::text, ',' ORDER BY a) FROM extra)
           || ' tables=' || (SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public')`,
      );
    const before = await checksum();
    await writeConfig(dir, config(['--bwlimit', '300k']));
    for (const victim of ['tool', 'bk'] as const) {
      const result = await killRestore(dir, 'pg_restore', victim, size);
      expectKilled(result, victim, /pg_restore/);
      expect(await checksum(), `target changed after kill -9 of ${victim}`).toBe(before);
    }
    await writeConfig(dir, config([]));
    const restored = await bk(dir, ['dbrestore', '--noinput']);
    expect(restored.exitCode, restored.stderr).toBe(0);
    expect(await psql(database, `SELECT count(*) FROM items WHERE body = 'changed'`)).toBe('0');
  });
});
