import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = join(dirname(createRequire(import.meta.url).resolve('@bk/cli/package.json')), 'dist/bin.js');
const suffix = randomBytes(4).toString('hex');
const pgDatabase = `bk_example_${suffix}`;
const mariaDatabase = `bk_example_${suffix}`;
let work: string;
let env: Record<string, string>;

const psql = (sql: string, database = 'postgres') =>
  execa('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', database, '-v', 'ON_ERROR_STOP=1', '-Atc', sql]);
const mariadb = (sql: string, database = '') =>
  execa('mariadb', [
    '-h',
    '127.0.0.1',
    '-P',
    '3306',
    '-u',
    'root',
    '-N',
    '-e',
    sql,
    ...(database ? [database] : []),
  ]);
const bk = (...args: string[]) => execa('node', [bin, ...args], { cwd: here, env, reject: false });

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bk-example-multi-'));
  env = {
    BK_REMOTE: join(work, 'remote'),
    CACHE_DB: join(work, 'cache.db'),
    PG_DATABASE: pgDatabase,
    MARIADB_DATABASE: mariaDatabase,
    NO_COLOR: '1',
  };
  const cache = new DatabaseSync(env.CACHE_DB as string);
  cache.exec(
    "CREATE TABLE entries (key TEXT PRIMARY KEY, value TEXT); INSERT INTO entries VALUES ('a', 'sqlite ✓')",
  );
  cache.close();
  await psql(`CREATE DATABASE ${pgDatabase}`);
  await psql(
    "CREATE TABLE users (id int PRIMARY KEY, name text); INSERT INTO users VALUES (1, 'pg ✓')",
    pgDatabase,
  );
  await mariadb(`CREATE DATABASE ${mariaDatabase}`);
  await mariadb(
    "CREATE TABLE orders (id INT PRIMARY KEY, item VARCHAR(20)); INSERT INTO orders VALUES (1, 'maria ✓')",
    mariaDatabase,
  );
});

afterAll(async () => {
  await psql(`DROP DATABASE IF EXISTS ${pgDatabase}`).catch(() => {});
  await mariadb(`DROP DATABASE IF EXISTS ${mariaDatabase}`).catch(() => {});
  await rm(work, { recursive: true, force: true });
});

describe('examples/multi-database', () => {
  it('bk dbbackup --all backs up all three; listbackups --json lists them; each restores', async () => {
    const backup = await bk('dbbackup', '--all');
    expect(backup.stderr).toBe('');
    expect(backup.exitCode).toBe(0);

    const listed = await bk('listbackups', '--json');
    expect(listed.exitCode).toBe(0);
    const backups = JSON.parse(listed.stdout) as { database: string; connector: string; size: number }[];
    expect(backups.map((entry) => `${entry.database}:${entry.connector}`).sort()).toEqual([
      'cache:sqlite',
      'main:pg',
      'shop:mysql',
    ]);
    for (const entry of backups) expect(entry.size).toBeGreaterThan(0);

    // Damage all three, restore all three.
    const cache = new DatabaseSync(env.CACHE_DB as string);
    cache.exec('DELETE FROM entries');
    cache.close();
    await psql('DELETE FROM users', pgDatabase);
    await mariadb('DELETE FROM orders', mariaDatabase);
    for (const name of ['cache', 'main', 'shop']) {
      const restore = await bk('dbrestore', '-d', name, '--noinput');
      expect(restore.exitCode, restore.stderr).toBe(0);
    }
    const restored = new DatabaseSync(env.CACHE_DB as string);
    expect(restored.prepare('SELECT value FROM entries').all()).toEqual([{ value: 'sqlite ✓' }]);
    restored.close();
    expect((await psql('SELECT name FROM users', pgDatabase)).stdout).toBe('pg ✓');
    expect((await mariadb('SELECT item FROM orders', mariaDatabase)).stdout).toBe('maria ✓');
  });
  it('from a fresh clone: node setup.mjs creates what the config names, then dbbackup --all works', async () => {
    const config = await readFile(join(here, 'bk.config.ts'), 'utf8');
    // The defaults name the example's own databases, never the server's `postgres` or `test`.
    expect(config).not.toMatch(/:-(postgres|test)\}/);
    const fresh = {
      ...env,
      BK_REMOTE: join(work, 'fresh-remote'),
      CACHE_DB: join(work, 'fresh', 'cache.db'),
      PG_DATABASE: `bk_example_fresh_${suffix}`,
      MARIADB_DATABASE: `bk_example_fresh_${suffix}`,
    };
    try {
      const setup = await execa('node', ['setup.mjs'], { cwd: here, env: fresh, reject: false, all: true });
      expect(setup.exitCode, setup.all).toBe(0);
      const backup = await execa('node', [bin, 'dbbackup', '--all'], {
        cwd: here,
        env: fresh,
        reject: false,
        all: true,
      });
      expect(backup.exitCode, backup.all).toBe(0);
      const listed = await execa('node', [bin, 'listbackups', '--json'], { cwd: here, env: fresh });
      expect((JSON.parse(listed.stdout) as unknown[]).length).toBe(3);
    } finally {
      const drop = await execa('node', ['setup.mjs', '--drop'], {
        cwd: here,
        env: fresh,
        reject: false,
        all: true,
      });
      expect(drop.exitCode, drop.all).toBe(0);
    }
    expect(
      (await psql(`SELECT count(*) FROM pg_database WHERE datname = '${fresh.PG_DATABASE}'`)).stdout,
    ).toBe('0');
  });
});
