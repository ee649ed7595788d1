import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { bk, filesUnder, tempDir, writeConfig } from './helpers.js';

const ROWS = 100_000;

/** 100,000 rows of unicode text, blobs (with NUL bytes), NULLs, integers and reals. */
function createLargeDatabase(file: string): void {
  const db = new DatabaseSync(file);
  db.exec(`CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT, payload BLOB, amount REAL, flag INTEGER);
    CREATE INDEX items_label ON items (label);`);
  const insert = db.prepare('INSERT INTO items (id, label, payload, amount, flag) VALUES (?, ?, ?, ?, ?)');
  const words = [
    'héllo',
    'wörld',
    '日本語',
    'emoji 🎉',
    "it's",
    'quote "x"',
    'tab\there',
    'line\nbreak',
    'ÆØÅ',
    '',
  ];
  db.exec('BEGIN');
  for (let id = 1; id <= ROWS; id++) {
    const label = id % 7 === 0 ? null : `${words[id % words.length]} #${id}`;
    const payload = id % 5 === 0 ? null : id % 3 === 0 ? new Uint8Array(0) : randomBytes(1 + (id % 40));
    const amount = id % 11 === 0 ? null : id / 7;
    const flag = id % 13 === 0 ? null : id % 2;
    insert.run(id, label, payload, amount, flag);
  }
  db.exec('COMMIT');
  db.close();
}

/** sha256 over every row of every table, in primary key order, with types preserved. */
function fingerprint(file: string): { rows: number; sha256: string } {
  const db = new DatabaseSync(file, { readOnly: true });
  const hash = createHash('sha256');
  let rows = 0;
  for (const row of db.prepare('SELECT id, label, payload, amount, flag FROM items ORDER BY id').iterate()) {
    rows++;
    for (const value of Object.values(row)) {
      if (value instanceof Uint8Array) hash.update(`b${Buffer.from(value).toString('hex')}|`);
      else hash.update(`${value === null ? 'n' : typeof value}${String(value)}|`);
    }
  }
  db.close();
  return { rows, sha256: hash.digest('hex') };
}

describe('dbbackup → listbackups --json → dbrestore --noinput round trip (SQLite, 100,000 rows)', () => {
  it('restores every row identical: unicode, blobs, NULLs', async () => {
    const dir = await tempDir();
    const database = join(dir, 'data', 'app.db');
    await import('node:fs/promises').then((fs) => fs.mkdir(join(dir, 'data')));
    createLargeDatabase(database);
    const original = fingerprint(database);
    expect(original.rows).toBe(ROWS);
    await writeConfig(dir, { remote: './remote', databases: { default: 'sqlite:./data/app.db' } });

    const backup = await bk(dir, ['dbbackup']);
    expect(backup.stderr).toBe('');
    expect(backup.exitCode).toBe(0);
    expect(backup.stdout).toMatch(/^default: db\/default-\d{4}-\d\d-\d\d-\d{6}\.sqlite\.sql {2}\S+ \S+ {2}/);

    const listed = await bk(dir, ['listbackups', '--json']);
    expect(listed.exitCode).toBe(0);
    const backups = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(backups).toHaveLength(1);
    const [entry] = backups;
    expect(Object.keys(entry ?? {})).toEqual([
      'database',
      'name',
      'path',
      'size',
      'createdAt',
      'sha256',
      'connector',
    ]);
    expect(entry).toMatchObject({ database: 'default', connector: 'sqlite' });
    expect(entry?.path).toBe(`db/${entry?.name}`);
    expect(entry?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await filesUnder(join(dir, 'remote'))).toEqual([entry?.path, `${entry?.path}.json`]);

    // Damage the live database, then restore the backup over it.
    const live = new DatabaseSync(database);
    live.exec(
      "DELETE FROM items WHERE id % 2 = 0; UPDATE items SET label = 'changed'; DROP INDEX items_label;",
    );
    live.close();
    expect(fingerprint(database).rows).toBe(ROWS / 2);

    const restore = await bk(dir, ['dbrestore', '--noinput']);
    expect(restore.stderr).toBe('');
    expect(restore.exitCode).toBe(0);
    expect(restore.stdout).toContain(`default: restored ${entry?.path}`);
    expect(fingerprint(database)).toEqual(original);
    const check = new DatabaseSync(database, { readOnly: true });
    expect(
      check.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND name = 'items_label'").get(),
    ).toEqual({
      name: 'items_label',
    });
    check.close();
  });
});

describe('db.countRows', () => {
  it('records exact row counts in the manifest by default, and none with false', async () => {
    const dir = await tempDir();
    const { readFile } = await import('node:fs/promises');
    const database = join(dir, 'app.db');
    const db = new DatabaseSync(database);
    db.exec('CREATE TABLE a (x); CREATE TABLE b (y); INSERT INTO a VALUES (1), (2), (3);');
    db.close();
    const manifestOf = async () => {
      const listed = JSON.parse((await bk(dir, ['listbackups', '--json'])).stdout) as { path: string }[];
      const newest = listed[0]?.path ?? '';
      return JSON.parse(await readFile(join(dir, 'remote', `${newest}.json`), 'utf8')) as {
        rowCounts?: Record<string, number>;
      };
    };

    await writeConfig(dir, { remote: './remote', databases: { default: 'sqlite:./app.db' } });
    expect((await bk(dir, ['dbbackup'])).exitCode).toBe(0);
    expect((await manifestOf()).rowCounts).toEqual({ a: 3, b: 0 });

    await writeConfig(dir, {
      remote: './remote',
      databases: { default: 'sqlite:./app.db' },
      db: { countRows: false },
    });
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a new second, a new name
    expect((await bk(dir, ['dbbackup'])).exitCode).toBe(0);
    const manifest = await manifestOf();
    expect(manifest).not.toHaveProperty('rowCounts');

    await writeConfig(dir, {
      remote: './remote',
      databases: { default: 'sqlite:./app.db' },
      db: { countRows: 1 },
    });
    const bad = await bk(dir, ['dbbackup']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('db.countRows');
  });
});
