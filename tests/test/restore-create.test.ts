import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { bk, mariadb, psql, tempDir, uniqueName, writeConfig } from './helpers.js';

// Disaster recovery: the server (or the file) is new, the database does not exist yet.
// `bk dbrestore` fails, says so and suggests --create; `--create` creates it and restores.
const pgName = uniqueName('bk_create_pg');
const myName = uniqueName('bk_create_my');
afterAll(async () => {
  await psql('postgres', `DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`);
  await mariadb(`DROP DATABASE IF EXISTS ${myName}`);
});

/**
 * Backs up `url`, makes its database disappear, then: a plain restore exits 1 with the --create
 * hint and creates nothing; `dbrestore --create` creates it and restores the data.
 */
async function restoreOntoNothing(options: {
  url: string;
  drop: () => Promise<unknown>;
  exists: () => Promise<boolean>;
  content: () => Promise<unknown>;
  extra?: string[];
}) {
  const dir = await tempDir('bk-create-');
  await writeConfig(dir, { remote: './remote', databases: { default: options.url } });
  const backup = await bk(dir, ['dbbackup']);
  expect(backup.exitCode, backup.stderr).toBe(0);
  const before = await options.content();
  await options.drop();
  expect(await options.exists()).toBe(false);

  const plain = await bk(dir, ['dbrestore', '--noinput', ...(options.extra ?? [])]);
  expect(plain.exitCode).toBe(1);
  expect(plain.stderr).toMatch(/\nhint: .*if the database does not exist yet .*pass --create/);
  expect(await options.exists()).toBe(false);

  const created = await bk(dir, ['dbrestore', '--noinput', '--create', ...(options.extra ?? [])]);
  expect(created.exitCode, created.stderr).toBe(0);
  expect(created.stdout).toMatch(/^default: created database .*\ndefault: restored db\/default-/);
  expect(await options.content()).toEqual(before);

  // The database exists now: --create leaves it to the restore, and says nothing about creating.
  const again = await bk(dir, ['dbrestore', '--noinput', '--create', '--json', ...(options.extra ?? [])]);
  expect(again.exitCode, again.stderr).toBe(0);
  expect(JSON.parse(again.stdout.trimEnd().split('\n').at(-1) ?? '')).toMatchObject({
    ok: true,
    createdDatabase: false,
  });
  expect(await options.content()).toEqual(before);
}

describe('bk dbrestore --create: restore onto a new server', () => {
  it('SQLite: the file is gone', async () => {
    const dir = await tempDir('bk-create-sqlite-');
    const file = join(dir, 'app.db');
    const db = new DatabaseSync(file);
    db.exec("CREATE TABLE items (a); INSERT INTO items VALUES (1), (2), ('three');");
    db.close();
    const read = () => {
      const reader = new DatabaseSync(file, { readOnly: true });
      try {
        return reader.prepare('SELECT a FROM items ORDER BY rowid').all();
      } finally {
        reader.close();
      }
    };
    await restoreOntoNothing({
      url: `sqlite:${file}`,
      drop: () => rm(file),
      exists: async () => existsSync(file),
      content: async () => read(),
    });
  });

  it('PostgreSQL, restored with two sessions', async () => {
    await psql('postgres', `CREATE DATABASE ${pgName}`);
    await psql(
      pgName,
      `CREATE TABLE items (id int PRIMARY KEY, body text);
       INSERT INTO items SELECT i, md5(i::text) FROM generate_series(1, 500) i;
       CREATE TABLE notes (b text); INSERT INTO notes VALUES ('x'), ('y');`,
    );
    await restoreOntoNothing({
      url: `postgres://postgres@127.0.0.1:5432/${pgName}`,
      drop: () => psql('postgres', `DROP DATABASE ${pgName} WITH (FORCE)`),
      exists: async () =>
        (await psql('postgres', `SELECT count(*) FROM pg_database WHERE datname = '${pgName}'`)).trim() ===
        '1',
      content: () =>
        psql(
          pgName,
          "SELECT (SELECT count(*) || ':' || md5(string_agg(body, ',' ORDER BY id)) FROM items), (SELECT string_agg(b, ',' ORDER BY b) FROM notes)",
        ),
      extra: ['--jobs', '2'],
    });
  });

  it('MySQL/MariaDB', async () => {
    await mariadb(`CREATE DATABASE ${myName}`);
    await mariadb(
      `CREATE TABLE items (a int); INSERT INTO items VALUES (1), (2), (3);
       CREATE TABLE notes (b text); INSERT INTO notes VALUES ('x'), ('y');`,
      myName,
    );
    await restoreOntoNothing({
      url: `mysql://root@127.0.0.1:3306/${myName}`,
      drop: () => mariadb(`DROP DATABASE ${myName}`),
      exists: async () =>
        String(
          await mariadb(`SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${myName}'`),
        ).trim() === '1',
      content: () =>
        mariadb('SELECT COUNT(*), (SELECT GROUP_CONCAT(b ORDER BY b) FROM notes) FROM items', myName),
    });
  });
});
