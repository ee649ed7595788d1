import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bk, createProject, filesUnder, scrub, tempDir, writeConfig } from './helpers.js';

/** Runs SQL through psql as postgres on 127.0.0.1 and returns its unaligned output. */
async function psql(database: string, sql: string): Promise<string> {
  const result = await execa(
    'psql',
    ['-h', '127.0.0.1', '-U', 'postgres', '-d', database, '-XAtq', '-v', 'ON_ERROR_STOP=1'],
    { input: sql },
  );
  return result.stdout;
}

const live = `bk_cli_jobs_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
afterAll(async () => {
  await psql('postgres', `DROP DATABASE IF EXISTS ${live} WITH (FORCE)`);
});

/** Everything the restore must bring back: rows of every table, the index, the foreign key. */
async function state(): Promise<string> {
  return psql(
    live,
    `SELECT md5(string_agg(a::text, ',' ORDER BY a.id)) FROM authors a;
     SELECT md5(string_agg(b::text, ',' ORDER BY b.id)) FROM books b;
     SELECT count(*), md5(string_agg(t::text, ',' ORDER BY t.name)) FROM tags t;
     SELECT indexname FROM pg_indexes WHERE tablename = 'books' ORDER BY 1;
     SELECT conname FROM pg_constraint WHERE contype = 'f' ORDER BY 1;
     SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public';`,
  );
}

/** The result object: the last NDJSON line of a `--json` run. */
function resultOf(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines.at(-1) ?? '{}') as Record<string, unknown>;
}

/** The scratch and old databases a parallel restore may leave behind (there must be none). */
async function leftovers(): Promise<string> {
  return psql('postgres', `SELECT datname FROM pg_database WHERE datname LIKE '${live}\\_bk\\_%'`);
}

/** The database's OID: a parallel restore swaps in a new database (new OID), one session does not. */
async function oid(): Promise<string> {
  return psql('postgres', `SELECT oid FROM pg_database WHERE datname = '${live}'`);
}

describe('bk dbrestore --jobs N (PostgreSQL parallel restore)', () => {
  const url = `postgres://postgres@127.0.0.1:5432/${live}`;
  let dir = '';
  let before = '';

  beforeAll(async () => {
    await psql('postgres', `CREATE DATABASE ${live}`);
    await psql(
      live,
      `CREATE TABLE authors (id int PRIMARY KEY, name text NOT NULL);
       CREATE TABLE books (id int PRIMARY KEY, author_id int NOT NULL REFERENCES authors (id), title text);
       CREATE INDEX books_title ON books (title);
       CREATE TABLE tags (name text PRIMARY KEY, weight real);
       INSERT INTO authors SELECT i, 'author ' || i || ' ✓' FROM generate_series(1, 200) i;
       INSERT INTO books SELECT i, 1 + i % 200, CASE WHEN i % 9 = 0 THEN NULL ELSE 'título ' || i END
         FROM generate_series(1, 3000) i;
       INSERT INTO tags VALUES ('a', 1.5), ('b', NULL), ('ç', -2);`,
    );
    before = await state();
    dir = await tempDir('bk-cli-jobs-');
    await writeConfig(dir, { remote: './remote', databases: { default: url } });
    const backup = await bk(dir, ['dbbackup']);
    expect(backup.stderr).toBe('');
    expect(backup.exitCode).toBe(0);
  });

  it('restores tables, an index and a foreign key with 2 sessions; --json has jobs and reads', async () => {
    expect(before).toContain('books_title');
    expect(before).toContain('books_author_id_fkey');
    await psql(
      live,
      `DELETE FROM books WHERE id % 2 = 0; UPDATE authors SET name = 'changed';
       DROP INDEX books_title; ALTER TABLE books DROP CONSTRAINT books_author_id_fkey;
       DELETE FROM tags; CREATE TABLE extra (x int);`,
    );
    expect(await state()).not.toBe(before);
    const oldOid = await oid();

    const restore = await bk(dir, ['dbrestore', '--noinput', '--jobs', '2', '--json']);
    expect(restore.stderr).toBe('');
    expect(restore.exitCode).toBe(0);
    const result = resultOf(restore.stdout);
    expect(result).toMatchObject({ command: 'dbrestore', ok: true, jobs: 2, reads: 2 });
    expect(result.bytes).toBe((result.restored as { size: number }).size);
    // The result is the backup exactly: the table that exists only in the target is gone.
    expect(await state()).toBe(before);
    expect(await oid()).not.toBe(oldOid);
    expect(await leftovers()).toBe('');
  });

  it('uses the configured parallelRestore (same summary line); --jobs 1 is the single-session restore', async () => {
    await writeConfig(dir, { remote: './remote', databases: { default: { url, parallelRestore: 2 } } });
    await psql(live, 'DELETE FROM books');
    let oldOid = await oid();
    const configured = await bk(dir, ['dbrestore', '--noinput']);
    expect(configured.stderr).toBe('');
    expect(configured.exitCode).toBe(0);
    expect(scrub(configured.stdout, dir)).toMatch(
      /^default: restored db\/default-<stamp>\.pgdump {2}[\d.]+ [kMG]?B {2}[\d.]+ m?s\n$/,
    );
    expect(await oid()).not.toBe(oldOid);
    expect(await state()).toBe(before);

    await psql(live, 'DELETE FROM books');
    oldOid = await oid();
    const single = await bk(dir, ['dbrestore', '--noinput', '--jobs', '1', '--json']);
    expect(single.exitCode, single.stderr).toBe(0);
    const singleResult = resultOf(single.stdout);
    expect(singleResult.ok).toBe(true);
    expect(singleResult).not.toHaveProperty('jobs');
    expect(singleResult).not.toHaveProperty('reads');
    expect(await oid()).toBe(oldOid);
    expect(await state()).toBe(before);
  });

  it('refuses a bad parallelRestore and selective options before touching anything (exit 2)', async () => {
    await psql(live, 'DELETE FROM tags');
    const changed = await state();
    const oldOid = await oid();
    const run = async (database: Record<string, unknown>, ...args: string[]) => {
      await writeConfig(dir, { remote: './remote', databases: { default: { url, ...database } } });
      const result = await bk(dir, ['dbrestore', '--noinput', ...args]);
      expect(result.exitCode).toBe(2);
      expect(result.stdout).toBe('');
      return result.stderr;
    };
    // A parallel restore replaces the whole database: a selective restore cannot be one.
    expect(await run({ parallelRestore: 2, restoreTables: ['tags'] })).toMatchInlineSnapshot(`
      "bk: databases.default.parallelRestore: a parallel restore replaces the whole database, so it cannot be combined with the postgis, restoreSchemas or restoreTables options of databases.default
      hint: restore with one session (one transaction): remove parallelRestore or pass --jobs 1
      "
    `);
    expect(await run({ postgis: true }, '--jobs', '3')).toMatchInlineSnapshot(`
      "bk: --jobs 3: a parallel restore replaces the whole database, so it cannot be combined with the postgis, restoreSchemas or restoreTables options of databases.default
      hint: restore with one session (one transaction): --jobs 1
      "
    `);
    expect(await run({ parallelRestore: 0 })).toMatchInlineSnapshot(`
      "bk: databases.default.parallelRestore: expected a whole number from 1 to 64, got 0
      hint: set parallelRestore to 1 (one session) or the number of sessions, or remove it
      "
    `);
    expect(await state()).toBe(changed);
    expect(await oid()).toBe(oldOid);
    expect(await leftovers()).toBe('');
  });
});

describe('bk dbrestore --jobs: bad input is exit 2 and changes nothing', () => {
  it('--jobs 0, abc, 65, 2 on SQLite, and with --to', async () => {
    const project = await createProject();
    expect((await bk(project.dir, ['dbbackup'])).exitCode).toBe(0);
    const database = join(project.dir, 'app.db');
    const sha256 = async () =>
      createHash('sha256')
        .update(await readFile(database))
        .digest('hex');
    const beforeHash = await sha256();
    const beforeFiles = await filesUnder(project.dir);

    // Each run is checked for exit 2 and silence; they run side by side, then nothing may have changed.
    const reject = async (...args: string[]) => {
      const result = await bk(project.dir, ['dbrestore', '--noinput', ...args]);
      expect(result.exitCode).toBe(2);
      expect(result.stdout).toBe('');
      return scrub(result.stderr, project.dir);
    };
    const [zero, letters, tooMany, fraction, sqlite, drill] = await Promise.all([
      reject('--jobs', '0'),
      reject('--jobs', 'abc'),
      reject('--jobs', '65'),
      reject('--jobs', '1.5'),
      reject('--jobs', '2'),
      reject('--jobs', '2', '--to', 'sqlite:./scratch.db'),
    ]);
    expect(await sha256()).toBe(beforeHash);
    expect(await filesUnder(project.dir)).toEqual(beforeFiles);
    expect(zero).toMatchInlineSnapshot(`
      "bk: --jobs: expected a whole number from 1 to 64, got "0"
      hint: use --jobs 1 for the single-session restore, 2 or more for a parallel PostgreSQL restore
      "
    `);
    expect(letters).toMatchInlineSnapshot(`
      "bk: --jobs: expected a whole number from 1 to 64, got "abc"
      hint: use --jobs 1 for the single-session restore, 2 or more for a parallel PostgreSQL restore
      "
    `);
    expect(tooMany).toContain('got "65"');
    expect(fraction).toContain('got "1.5"');
    expect(sqlite).toMatchInlineSnapshot(`
      "bk: --jobs 2: "default" uses the sqlite connector; only PostgreSQL restores in parallel
      hint: drop --jobs (or pass --jobs 1) to restore with one session
      "
    `);
    expect(drill).toMatchInlineSnapshot(`
      "bk: --jobs cannot be used with --to: a restore drill restores with one session
      hint: drop --jobs to drill, or restore the configured database with --jobs
      "
    `);

    // --jobs 1 is the ordinary restore, on any connector.
    const one = await bk(project.dir, ['dbrestore', '--noinput', '--jobs', '1']);
    expect(one.stderr).toBe('');
    expect(one.exitCode).toBe(0);
    expect(one.stdout).toMatch(/^default: restored db\/default-/);
  });
});
