import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
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

// An empty backup (0 bytes, or a header with nothing after it) whose manifest matches it (a forged
// or broken backup that passes its sha256 check) is refused by every engine with exit 1 and an
// error saying it is empty, and the target keeps its data: PostgreSQL and SQLite always did, MySQL
// and MongoDB "restored" it with exit 0.

const pgName = uniqueName('bk_empty_pg');
const myName = uniqueName('bk_empty_my');
afterAll(async () => {
  await psql('postgres', `DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`);
  await mariadb(`DROP DATABASE IF EXISTS ${myName}`);
});

/** Replaces the only backup's bytes by `bytes` and makes its manifest agree (size and sha256). */
async function forgeBackup(dir: string, env: Record<string, string>, bytes: Buffer): Promise<void> {
  const listed = JSON.parse((await bk(dir, ['listbackups', '--json'], { env })).stdout) as { path: string }[];
  expect(listed).toHaveLength(1);
  const object = join(dir, 'remote', listed[0]!.path);
  await writeFile(object, bytes);
  const manifest = JSON.parse(await readFile(`${object}.json`, 'utf8')) as Record<string, unknown>;
  manifest.bytes = bytes.length;
  manifest.sha256 = createHash('sha256').update(bytes).digest('hex');
  await writeFile(`${object}.json`, `${JSON.stringify(manifest)}\n`);
}

/**
 * Backs up `url`, changes the data, forges each of `forgeries` in turn: every restore exits 1 with a
 * first line matching `message`, and `content()` stays as it was.
 */
async function expectEmptyRefused(options: {
  url: string;
  change: () => Promise<unknown>;
  content: () => Promise<unknown>;
  forgeries: (dump: Buffer) => Buffer[];
  message: RegExp;
  env?: Record<string, string>;
}) {
  const env = options.env ?? {};
  const dir = await tempDir('bk-empty-');
  await writeConfig(dir, { remote: './remote', databases: { default: options.url } });
  const backup = await bk(dir, ['dbbackup'], { env });
  expect(backup.exitCode, backup.stderr).toBe(0);
  const listed = JSON.parse((await bk(dir, ['listbackups', '--json'], { env })).stdout) as { path: string }[];
  const dump = await readFile(join(dir, 'remote', listed[0]!.path));
  await options.change();
  const before = await options.content();
  const outcomes: string[] = [];
  for (const [index, forged] of options.forgeries(dump).entries()) {
    await forgeBackup(dir, env, forged);
    const restore = await bk(dir, ['dbrestore', '--noinput'], { env });
    const first = restore.stderr.split('\n')[0] ?? '';
    if (restore.exitCode !== 1 || !options.message.test(first)) {
      outcomes.push(`forgery ${index} (${forged.length} bytes): exit ${restore.exitCode}: ${first}`);
    }
    if (JSON.stringify(await options.content()) !== JSON.stringify(before)) {
      outcomes.push(`forgery ${index}: THE DATABASE CHANGED`);
    }
  }
  expect(outcomes).toEqual([]);
}

/** The lines of a mysqldump up to its first statement that does something (its header). */
function mysqlHeader(dump: Buffer): Buffer {
  const lines = dump.toString('utf8').split('\n');
  const first = lines.findIndex((line) => /^(CREATE|DROP|INSERT|LOCK|USE)\b/i.test(line));
  return Buffer.from(`${lines.slice(0, first).join('\n')}\n`);
}

describe('an empty backup is refused by every engine before the target is touched', () => {
  it('MySQL/MariaDB: 0 bytes, and a header with no data', async () => {
    await mariadb(`CREATE DATABASE ${myName}`);
    await mariadb('CREATE TABLE items (a int); INSERT INTO items VALUES (1), (2);', myName);
    await expectEmptyRefused({
      url: `mysql://root@127.0.0.1:3306/${myName}`,
      change: () => mariadb('INSERT INTO items VALUES (3)', myName),
      content: () => mariadb('SELECT GROUP_CONCAT(a ORDER BY a) FROM items', myName),
      forgeries: (dump) => [Buffer.alloc(0), mysqlHeader(dump)],
      message: /empty/,
    });
  });

  it('MongoDB: 0 bytes, and an archive prelude listing no collection', async () => {
    const { dir: server, url } = await mongoStandinServer('pw', { items: [{ _id: 1, name: 'one' }] });
    const live = join(server, 'data', 'app', 'items.json');
    // magic, an empty header document, the prelude's terminator: an archive of nothing.
    const prelude = Buffer.from([0x6d, 0xe2, 0x99, 0x81, 5, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    await expectEmptyRefused({
      url,
      env: { PATH: `${MONGO_STANDIN_BIN}:${process.env.PATH}`, BK_MONGO_STANDIN_DIR: server },
      change: () => writeFile(live, JSON.stringify([{ _id: 1, name: 'changed' }])),
      content: () => readFile(live, 'utf8'),
      forgeries: () => [Buffer.alloc(0), prelude],
      message: /empty/,
    });
  });

  it('PostgreSQL (as before): 0 bytes', async () => {
    await psql('postgres', `CREATE DATABASE ${pgName}`);
    await psql(pgName, 'CREATE TABLE items (a int); INSERT INTO items VALUES (1), (2);');
    await expectEmptyRefused({
      url: `postgres://postgres@127.0.0.1:5432/${pgName}`,
      change: () => psql(pgName, 'INSERT INTO items VALUES (3)'),
      content: () => psql(pgName, "SELECT string_agg(a::text, ',' ORDER BY a) FROM items"),
      forgeries: () => [Buffer.alloc(0)],
      message: /too short|empty/,
    });
  });

  it('SQLite (as before): 0 bytes, and a dump header with no COMMIT', async () => {
    const dir = await tempDir('bk-empty-sqlite-');
    const file = join(dir, 'app.db');
    const db = new DatabaseSync(file);
    db.exec('CREATE TABLE items (a); INSERT INTO items VALUES (1), (2);');
    db.close();
    await expectEmptyRefused({
      url: `sqlite:${file}`,
      change: async () => {
        const writer = new DatabaseSync(file);
        writer.exec('INSERT INTO items VALUES (3);');
        writer.close();
      },
      content: async () =>
        createHash('sha256')
          .update(await readFile(file))
          .digest('hex'),
      forgeries: () => [Buffer.alloc(0), Buffer.from('PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n')],
      message: /COMMIT|empty/,
    });
  });
});
