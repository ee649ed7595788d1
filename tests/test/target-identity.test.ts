import { createHash } from 'node:crypto';
import { link, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import {
  bk,
  MONGO_STANDIN_BIN,
  mariadb,
  mongoStandinServer,
  psql,
  tempDir,
  uniqueName,
  writeConfig,
} from './helpers.js';

// Target identity: "is this the same database" is decided by what the server or the filesystem
// reports, never by the text of a URL. Every spelling below reaches a configured database; the drill
// (`dbrestore --to`) and a restore of an alias must refuse it with exit 2, naming which configured
// database it is, before anything is written.

const pg = {
  live: uniqueName('bk_ident_pg'),
  other: uniqueName('bk_ident_pg_other'),
  role: uniqueName('bk_ident_u'),
};
const my = {
  live: uniqueName('bk_ident_my'),
  other: uniqueName('bk_ident_my_other'),
  user: uniqueName('bk_idu'),
};
afterAll(async () => {
  for (const name of [pg.live, pg.other])
    await psql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await psql('postgres', `DROP ROLE IF EXISTS ${pg.role}`);
  for (const name of [my.live, my.other]) await mariadb(`DROP DATABASE IF EXISTS ${name}`);
  await mariadb(`DROP USER IF EXISTS '${my.user}'@'%'; DROP USER IF EXISTS '${my.user}'@'localhost'`);
});

/** Every character percent-encoded: `%62%6b...`, a spelling no text comparison recognises. */
function encodeEveryCharacter(name: string): string {
  return [...Buffer.from(name)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
}

/**
 * Runs `args` and checks the refusal: exit 2, a first stderr line naming the configured database
 * `alias`, and `content()` unchanged. Returns what went wrong (empty when refused as it should be),
 * so a test reports every spelling that got through, not only the first.
 */
async function refusal(
  dir: string,
  args: string[],
  alias: string,
  content: () => Promise<unknown>,
  env: Record<string, string> = {},
): Promise<string[]> {
  const before = await content();
  const result = await bk(dir, args, { env });
  const first = result.stderr.split('\n')[0] ?? '';
  const problems: string[] = [];
  if (result.exitCode !== 2) problems.push(`exit ${result.exitCode}`);
  if (!new RegExp(`^bk: .*is the configured database "${alias}"`).test(first))
    problems.push(`stderr: ${first}`);
  if (/restored db\//.test(result.stdout)) problems.push('restored');
  if (JSON.stringify(await content()) !== JSON.stringify(before)) problems.push('THE DATABASE CHANGED');
  return problems.length === 0 ? [] : [`${args.join(' ')}: ${problems.join('; ')}`];
}

/** Tries every `[url, alias]` as a drill target of `default`; all must be refused. */
async function expectDrillsRefused(
  dir: string,
  spellings: [string, string][],
  content: () => Promise<unknown>,
  env: Record<string, string> = {},
) {
  const failures: string[] = [];
  for (const [url, alias] of spellings) {
    failures.push(
      ...(await refusal(
        dir,
        ['dbrestore', '-d', 'default', '--to', url, '--check', '--noinput'],
        alias,
        content,
        env,
      )),
    );
  }
  expect(failures).toEqual([]);
}

describe('target identity: a drill never restores into a configured database spelled otherwise', () => {
  it('PostgreSQL: default port, localhost, unix socket, ?dbname=, percent-encoding, another role, a service, another configured database', async () => {
    await psql(
      'postgres',
      `CREATE DATABASE ${pg.live}; CREATE DATABASE ${pg.other}; CREATE ROLE ${pg.role} LOGIN`,
    );
    for (const name of [pg.live, pg.other]) {
      await psql(
        name,
        `CREATE TABLE items (a int); INSERT INTO items SELECT generate_series(1, 50);
         CREATE TABLE notes (b text); INSERT INTO notes VALUES ('x'), ('y');
         GRANT ALL ON ALL TABLES IN SCHEMA public TO ${pg.role}; GRANT CREATE ON SCHEMA public TO ${pg.role}`,
      );
    }
    const checksum = "(SELECT count(*) || ':' || md5(string_agg(a::text, ',' ORDER BY a)) FROM items)";
    const content = async () =>
      [
        await psql(pg.live, `SELECT ${checksum}, (SELECT string_agg(b, ',' ORDER BY b) FROM notes)`),
        await psql(pg.other, `SELECT ${checksum}`),
      ].join('|');
    const dir = await tempDir('bk-ident-pg-');
    await writeConfig(dir, {
      remote: './remote',
      databases: {
        default: `postgres://postgres@127.0.0.1:5432/${pg.live}`,
        other: `postgres://postgres@127.0.0.1:5432/${pg.other}`,
      },
    });
    expect((await bk(dir, ['dbbackup', '-d', 'default'])).exitCode).toBe(0);
    // Changed since the backup, so a restore over it would show.
    await psql(pg.live, 'INSERT INTO items VALUES (51)');
    await psql(pg.other, 'DELETE FROM items WHERE a > 40');
    const serviceFile = join(dir, 'pg_service.conf');
    await writeFile(serviceFile, `[bkident]\nhost=localhost\nport=5432\nuser=postgres\ndbname=${pg.live}\n`);
    const spellings: [string, string][] = [
      [`postgres://postgres@127.0.0.1/${pg.live}`, 'default'],
      [`postgres://postgres@localhost:5432/${pg.live}`, 'default'],
      [`postgres://postgres@LOCALHOST/${pg.live}`, 'default'],
      [`postgres:///${pg.live}?host=/var/run/postgresql&user=postgres`, 'default'],
      [`postgresql://postgres@%2Fvar%2Frun%2Fpostgresql/${pg.live}`, 'default'],
      [`postgres://postgres@127.0.0.1:5432/?dbname=${pg.live}`, 'default'],
      [`postgres://postgres@127.0.0.1/${encodeEveryCharacter(pg.live)}`, 'default'],
      [`postgres://${pg.role}@127.0.0.1:5432/${pg.live}`, 'default'],
      ['postgres://?service=bkident', 'default'],
      // Not the database being drilled, but another configured one: never touched either.
      [`postgres://postgres@localhost/${pg.other}`, 'other'],
    ];
    await expectDrillsRefused(dir, spellings, content, { PGSERVICEFILE: serviceFile });
  });

  it('MariaDB: port left out, localhost (the socket), mariadb://, percent-encoding, another user, another configured database', async () => {
    await mariadb(`CREATE DATABASE ${my.live}; CREATE DATABASE ${my.other};
      CREATE USER '${my.user}'@'%'; CREATE USER '${my.user}'@'localhost';
      GRANT ALL ON ${my.live}.* TO '${my.user}'@'%'; GRANT ALL ON ${my.live}.* TO '${my.user}'@'localhost';`);
    for (const name of [my.live, my.other]) {
      await mariadb(
        `CREATE TABLE items (a int); INSERT INTO items VALUES (1), (2), (3);
         CREATE TABLE notes (b text); INSERT INTO notes VALUES ('x'), ('y');`,
        name,
      );
    }
    const content = async () =>
      [
        await mariadb('CHECKSUM TABLE items, notes', my.live),
        await mariadb('CHECKSUM TABLE items, notes', my.other),
      ].join('|');
    const dir = await tempDir('bk-ident-my-');
    await writeConfig(dir, {
      remote: './remote',
      databases: {
        default: `mysql://root@127.0.0.1:3306/${my.live}`,
        other: `mysql://root@127.0.0.1:3306/${my.other}`,
      },
    });
    expect((await bk(dir, ['dbbackup', '-d', 'default'])).exitCode).toBe(0);
    // Changed since the backup, so a restore over it would show.
    await mariadb('INSERT INTO items VALUES (4)', my.live);
    await mariadb('DELETE FROM items WHERE a = 1', my.other);
    const spellings: [string, string][] = [
      [`mysql://root@127.0.0.1/${my.live}`, 'default'],
      [`mysql://root@localhost/${my.live}`, 'default'],
      [`mysql://root@localhost/${my.live}?socket=/run/mysqld/mysqld.sock`, 'default'],
      [`mysql://root@127.0.0.1:3306/${my.live}?protocol=SOCKET`, 'default'],
      [`mariadb://root@127.0.0.1:3306/${my.live}`, 'default'],
      [`mysql://root@127.0.0.1/${encodeEveryCharacter(my.live)}`, 'default'],
      [`mysql://${my.user}@127.0.0.1:3306/${my.live}`, 'default'],
      [`mysql://root@localhost/${my.other}`, 'other'],
    ];
    await expectDrillsRefused(dir, spellings, content);
  });

  it('SQLite: symlink, hard link, ./ and .. spellings, a symlinked directory, a configured file that does not exist yet', async () => {
    const dir = await tempDir('bk-ident-sqlite-');
    const file = join(dir, 'live.db');
    const db = new DatabaseSync(file);
    db.exec(
      "CREATE TABLE items (a); INSERT INTO items VALUES (1), (2), (3); CREATE TABLE notes (b); INSERT INTO notes VALUES ('x');",
    );
    db.close();
    await mkdir(join(dir, 'sub'));
    await symlink(file, join(dir, 'link.db'));
    await link(file, join(dir, 'sub', 'hard.db'));
    await symlink(dir, join(dir, 'dirlink'));
    await writeConfig(dir, {
      remote: './remote',
      databases: { default: 'sqlite:live.db', lost: 'sqlite:lost.db' },
    });
    expect((await bk(dir, ['dbbackup', '-d', 'default'])).exitCode).toBe(0);
    const changed = new DatabaseSync(file);
    changed.exec('INSERT INTO items VALUES (4);');
    changed.close();
    const content = async () => [
      createHash('sha256')
        .update(await readFile(file))
        .digest('hex'),
      (await readFile(join(dir, 'lost.db')).catch(() => undefined)) === undefined,
    ];
    const spellings: [string, string][] = [
      [`sqlite:${join(dir, 'link.db')}`, 'default'],
      [`sqlite:${join(dir, 'sub', 'hard.db')}`, 'default'],
      ['sqlite:./live.db', 'default'],
      ['sqlite:sub/../live.db', 'default'],
      [`sqlite:${dir}/./sub/../live.db`, 'default'],
      [`sqlite:${join(dir, 'dirlink', 'live.db')}`, 'default'],
      // Does not exist yet: the same directory and name is the same database.
      [`sqlite:${join(dir, 'dirlink', 'lost.db')}`, 'lost'],
    ];
    await expectDrillsRefused(dir, spellings, content);
  });
});

describe('target identity: a configured database that is an alias of another is never restored into', () => {
  it('SQLite: two aliases of one file, with and without --create', async () => {
    const dir = await tempDir('bk-ident-alias-');
    const file = join(dir, 'live.db');
    const db = new DatabaseSync(file);
    db.exec('CREATE TABLE items (a); INSERT INTO items VALUES (1), (2);');
    db.close();
    await symlink(file, join(dir, 'alias.db'));
    await writeConfig(dir, {
      remote: './remote',
      databases: { default: 'sqlite:live.db', mirror: 'sqlite:alias.db' },
    });
    expect((await bk(dir, ['dbbackup', '-d', 'mirror'])).exitCode).toBe(0);
    const db2 = new DatabaseSync(file);
    db2.exec('INSERT INTO items VALUES (3);');
    db2.close();
    const content = async () =>
      createHash('sha256')
        .update(await readFile(file))
        .digest('hex');
    expect([
      ...(await refusal(dir, ['dbrestore', '-d', 'mirror', '--noinput'], 'default', content)),
      ...(await refusal(dir, ['dbrestore', '-d', 'mirror', '--create', '--noinput'], 'default', content)),
    ]).toEqual([]);
  });

  it('PostgreSQL: the same database under two spellings, with --create', async () => {
    const live = `${pg.live}_alias`;
    await psql('postgres', `CREATE DATABASE ${live}`);
    try {
      await psql(live, 'CREATE TABLE items (a int); INSERT INTO items VALUES (1), (2);');
      const dir = await tempDir('bk-ident-pg-alias-');
      await writeConfig(dir, {
        remote: './remote',
        databases: {
          default: `postgres://postgres@127.0.0.1:5432/${live}`,
          mirror: `postgres://postgres@localhost/${live}`,
        },
      });
      expect((await bk(dir, ['dbbackup', '-d', 'mirror'])).exitCode).toBe(0);
      await psql(live, 'INSERT INTO items VALUES (3)');
      const content = () => psql(live, "SELECT string_agg(a::text, ',' ORDER BY a) FROM items");
      expect(
        await refusal(dir, ['dbrestore', '-d', 'mirror', '--create', '--noinput'], 'default', content),
      ).toEqual([]);
    } finally {
      await psql('postgres', `DROP DATABASE IF EXISTS ${live} WITH (FORCE)`);
    }
  });
});

describe('target identity: a connector that cannot say which database it reaches', () => {
  it('MongoDB (no identity()): the drill refuses unless --trust-target; the same URL is refused even then', async () => {
    const { dir: server, url } = await mongoStandinServer('pw', { items: [{ _id: 1, name: 'live' }] });
    const dir = await tempDir('bk-ident-mongo-');
    await writeConfig(dir, { remote: './remote', databases: { default: url } });
    const env = { PATH: `${MONGO_STANDIN_BIN}:${process.env.PATH}`, BK_MONGO_STANDIN_DIR: server };
    expect((await bk(dir, ['dbbackup'], { env })).exitCode).toBe(0);
    const live = join(server, 'data', 'app', 'items.json');
    await writeFile(live, JSON.stringify([{ _id: 1, name: 'changed since the backup' }]));
    const content = () => readFile(live, 'utf8');
    const before = await content();
    const scratch = url.replace('/app?', '/scratch?');

    const refused = await bk(dir, ['dbrestore', '--to', scratch, '--noinput'], { env });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr.split('\n').slice(0, 2).join('\n')).toMatch(
      /^bk: --to: bk cannot prove that mongodb:\/\/root:\*\*\*@127\.0\.0\.1:27017\/scratch.* is not a configured database: the mongo connector cannot tell .*\nhint: pass --trust-target/,
    );
    expect(refused.stderr).not.toContain('pw@');

    const same = await bk(dir, ['dbrestore', '--to', url, '--noinput', '--trust-target'], { env });
    expect(same.exitCode).toBe(2);
    expect(same.stderr).toMatch(/^bk: --to .* is the configured database "default"/);
    expect(await content()).toBe(before);

    const allowed = await bk(dir, ['dbrestore', '--to', scratch, '--noinput', '--trust-target'], {
      env,
    });
    expect(allowed.exitCode, allowed.stderr).toBe(0);
    expect(allowed.stderr).toMatch(/warning: --trust-target: the mongo connector cannot tell/);
    expect(JSON.parse(await readFile(join(server, 'data', 'scratch', 'items.json'), 'utf8'))).toEqual([
      { _id: 1, name: 'live' },
    ]);
    expect(await content()).toBe(before);
  });
});
