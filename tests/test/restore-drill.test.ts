import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { bk, mariadb, psql, tempDir, uniqueName, writeConfig } from './helpers.js';

const pgNames = [uniqueName('bk_drill_pg'), uniqueName('bk_drill_pg_scratch')];
const myNames = [uniqueName('bk_drill_my'), uniqueName('bk_drill_my_scratch')];
afterAll(async () => {
  for (const name of pgNames) await psql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  for (const name of myNames) await mariadb(`DROP DATABASE IF EXISTS ${name}`);
});

/**
 * Backs up, drills into `scratch` with --check (exit 0), then tampers the manifest's counts (exit 1).
 * `creates`: the scratch database does not exist yet, and the first drill creates it.
 */
async function drill(url: string, scratch: string, live: () => Promise<unknown>, creates = false) {
  const dir = await tempDir('bk-drill-');
  await writeConfig(dir, { remote: './remote', databases: { default: url } });
  const backup = await bk(dir, ['dbbackup', '--json']);
  expect(backup.exitCode, backup.stderr).toBe(0);
  const listed = JSON.parse((await bk(dir, ['listbackups', '--json'])).stdout) as { path: string }[];
  const manifestFile = join(dir, 'remote', `${listed[0]!.path}.json`);
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as { rowCounts?: Record<string, number> };
  expect(Object.values(manifest.rowCounts ?? {}).sort()).toEqual([2, 3]);
  const before = await live();

  const ok = await bk(dir, ['dbrestore', '--to', scratch, '--check', '--noinput']);
  expect(ok.stderr).toBe('');
  expect(ok.exitCode).toBe(0);
  expect(ok.stdout).toMatch(/row counts match in 2 tables/);
  expect(ok.stdout.includes('created the scratch database')).toBe(creates);
  const again = await bk(dir, ['dbrestore', '--to', scratch, '--check', '--noinput', '--json']);
  expect(again.exitCode, again.stderr).toBe(0);
  expect(JSON.parse(again.stdout.trimEnd().split('\n').at(-1) ?? '')).toMatchObject({
    createdDatabase: false,
    differences: [],
  });

  manifest.rowCounts = Object.fromEntries(
    Object.entries(manifest.rowCounts ?? {}).map(([table, rows]) => [table, rows === 3 ? 4 : rows]),
  );
  manifest.rowCounts.gone = 1;
  await writeFile(manifestFile, `${JSON.stringify(manifest)}\n`);
  const bad = await bk(dir, ['dbrestore', '--to', scratch, '--check', '--noinput']);
  expect(bad.exitCode).toBe(1);
  expect(bad.stdout).toMatch(/table\s+manifest\s+restored\ngone\s+1\s+missing\n(public\.)?items\s+4\s+3/);
  expect(bad.stderr).toMatch(/row counts differ in 2 tables .*: gone, (public\.)?items/);
  expect(await live()).toEqual(before);

  const refused = await bk(dir, ['dbrestore', '--to', url, '--noinput']);
  expect(refused.exitCode).toBe(2);
  expect(refused.stderr.split('\n')[0]).toMatch(/^bk: --to .* is the configured database "default" \(/);
}

describe('restore drill: bk dbrestore --to URL --check', () => {
  it('SQLite', async () => {
    const dir = await tempDir('bk-drill-sqlite-');
    const file = join(dir, 'live.db');
    const db = new DatabaseSync(file);
    db.exec(`CREATE TABLE items (a); INSERT INTO items VALUES (1), (2), (3);
      CREATE TABLE notes (b); INSERT INTO notes VALUES ('x'), ('y');`);
    db.close();
    await drill(`sqlite:${file}`, `sqlite:${join(dir, 'scratch.db')}`, async () => readFile(file), true);
  });

  it('PostgreSQL', async () => {
    const [live, scratch] = pgNames as [string, string];
    await psql('postgres', `CREATE DATABASE ${live}`);
    // The scratch database does not exist: the drill creates it.
    await psql(
      live,
      `CREATE TABLE items (a int); INSERT INTO items VALUES (1), (2), (3);
      CREATE TABLE notes (b text); INSERT INTO notes VALUES ('x'), ('y');`,
    );
    await drill(
      `postgres://postgres@127.0.0.1:5432/${live}`,
      `postgres://postgres@127.0.0.1:5432/${scratch}`,
      () => psql(live, "SELECT (SELECT count(*) FROM items), (SELECT string_agg(b, ',') FROM notes)"),
      true,
    );
  });

  it('MySQL/MariaDB', async () => {
    const [live, scratch] = myNames as [string, string];
    await mariadb(`CREATE DATABASE ${live};`); // the drill creates the scratch database
    await mariadb(
      `CREATE TABLE items (a int); INSERT INTO items VALUES (1), (2), (3);
       CREATE TABLE notes (b text); INSERT INTO notes VALUES ('x'), ('y');`,
      live,
    );
    await drill(
      `mysql://root@127.0.0.1:3306/${live}`,
      `mysql://root@127.0.0.1:3306/${scratch}`,
      () => mariadb('SELECT COUNT(*), (SELECT GROUP_CONCAT(b) FROM notes) FROM items', live),
      true,
    );
  });

  it('--to takes ${VAR} so a scratch password stays out of argv; an unset variable is exit 2', async () => {
    const [live, scratch] = myNames.map((name) => `${name}_env`) as [string, string];
    myNames.push(live, scratch);
    const user = uniqueName('bk_drill_u');
    const password = `dr1ll pw#${user}`;
    await mariadb(`CREATE DATABASE ${live}; CREATE DATABASE ${scratch};
      CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'; GRANT ALL ON ${scratch}.* TO '${user}'@'%';`);
    try {
      await mariadb('CREATE TABLE items (a int); INSERT INTO items VALUES (1), (2);', live);
      const dir = await tempDir('bk-drill-env-');
      await writeConfig(dir, {
        remote: './remote',
        databases: { default: `mysql://root@127.0.0.1:3306/${live}` },
      });
      expect((await bk(dir, ['dbbackup'])).exitCode).toBe(0);
      const to = `mysql://${user}:\${BK_DRILL_PASSWORD}@127.0.0.1:3306/${scratch}`;
      // The raw password: bk percent-encodes ${VAR} in a URL's user-info (docs/configuration.md).
      const env = { BK_DRILL_PASSWORD: password };
      const ok = await bk(dir, ['dbrestore', '--to', to, '--check', '--noinput'], { env });
      expect(ok.stderr).toBe('');
      expect(ok.exitCode).toBe(0);
      expect(`${ok.stdout}${ok.stderr}`).not.toContain(password);
      // MariaDB checks the password: a wrong one fails, so the right one really came from the env.
      const wrong = await bk(dir, ['dbrestore', '--to', to, '--noinput'], {
        env: { BK_DRILL_PASSWORD: 'nope' },
      });
      expect(wrong.exitCode).toBe(1);
      const unset = await bk(dir, ['dbrestore', '--to', to, '--noinput'], {
        env: { BK_DRILL_PASSWORD: undefined },
      });
      expect(unset.exitCode).toBe(2);
      expect(unset.stderr.split('\n')[0]).toBe('bk: --to: environment variable BK_DRILL_PASSWORD is not set');
    } finally {
      await mariadb(`DROP USER IF EXISTS '${user}'@'%'`);
    }
  });
});
