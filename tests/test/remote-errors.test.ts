import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bk, filesUnder, tempDir, writeConfig } from './helpers.js';

// A wrong crypt password, an unreachable remote and a refused credential each produce an error
// that says so, through the built CLI: never "no backups" with exit 0.

/** Low rclone retries and timeouts, so a dead remote fails in seconds. */
const FAST = ['--contimeout', '2s', '--timeout', '5s', '--low-level-retries', '1', '--retries', '1'];

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const obscure = async (password: string) =>
  (await execa('rclone', ['obscure', '-'], { input: password })).stdout.trim();

/** A project directory with a small SQLite database. */
async function project(remote: string): Promise<{ dir: string; file: string }> {
  const dir = await tempDir('bk-remote-errors-');
  const file = join(dir, 'app.db');
  const db = new DatabaseSync(file);
  db.exec("CREATE TABLE t (a, b); INSERT INTO t VALUES (1, 'x'), (2, 'y');");
  db.close();
  await writeConfig(dir, { remote, rclone: { flags: FAST }, databases: { default: `sqlite:${file}` } });
  return { dir, file };
}

/** The message and hint lines of a failed run (at most two lines). */
function oneError(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines[0], stderr).toMatch(/^bk: /);
  return stderr;
}

describe('wrong crypt password over a remote that has backups', () => {
  it('listbackups, dbrestore, verify and dbbackup exit 2 naming the crypt password, and change nothing', async () => {
    const store = await tempDir('bk-crypt-store-');
    const env = (password: string) => ({
      RCLONE_CONFIG_BKCRYPT_TYPE: 'crypt',
      RCLONE_CONFIG_BKCRYPT_REMOTE: store,
      RCLONE_CONFIG_BKCRYPT_PASSWORD: password,
    });
    const right = env(await obscure('the right one'));
    const wrong = env(await obscure('a wrong one'));
    const { dir, file } = await project('bkcrypt:app');
    const made = await bk(dir, ['dbbackup'], { env: right });
    expect(made.exitCode, made.stderr).toBe(0);
    const listed = await bk(dir, ['listbackups', '--json'], { env: right });
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
    const stored = await filesUnder(store);
    const before = await readFile(file);

    for (const args of [
      ['listbackups'],
      ['listbackups', '--json'],
      ['dbrestore', '--noinput'],
      ['verify'],
      ['dbbackup'],
    ]) {
      const result = await bk(dir, args, { env: wrong });
      expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(oneError(result.stderr)).toMatch(
        /names do not decrypt: the crypt password \(or password2\) is wrong/,
      );
      expect(result.stderr).toMatch(/hint: check the crypt remote's password/);
      if (args.includes('--json')) {
        expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: { code: 'BK_CRYPT_PASSWORD' } });
      } else {
        expect(result.stdout, args.join(' ')).toBe('');
      }
    }
    expect(await filesUnder(store)).toEqual(stored);
    expect(await readFile(file)).toEqual(before);
  });
});

describe('unreachable remote', () => {
  it.each([
    ['WebDAV', (port: number) => `:webdav,url="http://127.0.0.1:${port}":app`],
    ['SFTP', (port: number) => `:sftp,host=127.0.0.1,port=${port},user=bk,pass=PASS:app`],
  ])('%s on a closed port: exit 1, the message says the remote is unreachable', async (_name, remote) => {
    const port = await closedPort();
    const { dir, file } = await project(remote(port).replace('PASS', await obscure('x')));
    const before = await readFile(file);
    for (const args of [['listbackups'], ['dbbackup'], ['verify'], ['dbrestore', '--noinput']]) {
      const started = Date.now();
      const result = await bk(dir, args);
      expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(1);
      expect(oneError(result.stderr)).toMatch(/remote unreachable.*connection refused/);
      expect(result.stderr).toMatch(/hint: the remote did not answer: check its host and port/);
      expect(Date.now() - started).toBeLessThan(20_000);
    }
    expect(await readFile(file)).toEqual(before);
  });
});

describe('refused credentials (WebDAV 401)', () => {
  let server: ResultPromise | undefined;
  let port = 0;
  let served = '';
  beforeAll(async () => {
    served = await tempDir('bk-dav-');
    port = await closedPort();
    server = execa(
      'rclone',
      ['serve', 'webdav', served, '--addr', `127.0.0.1:${port}`, '--user', 'u', '--pass', 'right'],
      { reject: false },
    );
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const probe = await execa('rclone', ['lsjson', ...FAST, `:webdav,url="http://127.0.0.1:${port}":`], {
        reject: false,
      });
      if (/401|Unauthorized/.test(probe.stderr)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('rclone serve webdav did not start');
  });
  afterAll(async () => {
    server?.kill();
    await server;
  });

  it('a wrong (or expired) password: exit 2, the message says the credentials were refused', async () => {
    const env = (password: string) => ({
      RCLONE_CONFIG_BKDAV_TYPE: 'webdav',
      RCLONE_CONFIG_BKDAV_URL: `http://127.0.0.1:${port}`,
      RCLONE_CONFIG_BKDAV_USER: 'u',
      RCLONE_CONFIG_BKDAV_PASS: password,
    });
    const { dir } = await project('bkdav:app');
    const made = await bk(dir, ['dbbackup'], { env: env(await obscure('right')) });
    expect(made.exitCode, made.stderr).toBe(0);
    const wrong = env(await obscure('Expired-Pa55'));
    for (const args of [['listbackups'], ['dbbackup'], ['verify'], ['dbrestore', '--noinput']]) {
      const result = await bk(dir, args, { env: wrong });
      expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(oneError(result.stderr)).toMatch(/the remote refused the credentials.*401 Unauthorized/);
      expect(result.stderr).toMatch(/hint: the remote refused the user or password/);
      expect(result.stderr).not.toContain('Expired-Pa55');
    }
    expect((await filesUnder(served)).filter((name) => name.endsWith('.json'))).toHaveLength(1);
  });
});
