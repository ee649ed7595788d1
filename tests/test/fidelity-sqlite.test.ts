import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { bk, tempDir, writeConfig } from './helpers.js';

const PRAGMAS = ['user_version', 'application_id', 'page_size', 'auto_vacuum', 'encoding', 'journal_mode'];

/** Header fields, schema and a sha256 of every row of every table (blobs in hex, types kept). */
function fingerprint(path: string): Record<string, unknown> {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const pragmas = Object.fromEntries(
      PRAGMAS.map((name) => [name, Object.values(db.prepare(`PRAGMA ${name}`).get() ?? {})[0]]),
    );
    const schema = db
      .prepare(
        "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_autoindex%' ORDER BY name",
      )
      .all();
    const tables: Record<string, string> = {};
    for (const { name } of db
      .prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
      )
      .all()) {
      const statement = db.prepare(`SELECT * FROM "${String(name).replaceAll('"', '""')}"`);
      statement.setReturnArrays(true);
      statement.setReadBigInts(true);
      const rows = statement
        .all()
        .map((row) =>
          JSON.stringify(
            (row as unknown as unknown[]).map((value) =>
              value instanceof Uint8Array
                ? `x'${Buffer.from(value).toString('hex')}'`
                : `${typeof value}:${value}`,
            ),
          ),
        );
      const hash = createHash('sha256').update(rows.sort().join('\n'));
      tables[String(name)] = `${rows.length}:${hash.digest('hex')}`;
    }
    const search = db
      .prepare("SELECT rowid FROM docs WHERE docs MATCH 'écureuil OR fox' ORDER BY rowid")
      .all();
    return { pragmas, schema, tables, search };
  } finally {
    db.close();
  }
}

/** A database with hard data, in WAL mode with every header field set away from its default. */
function createHardDatabase(path: string): void {
  const db = new DatabaseSync(path);
  db.exec(`PRAGMA page_size = 8192; PRAGMA auto_vacuum = INCREMENTAL; PRAGMA journal_mode = WAL;
    PRAGMA user_version = 42; PRAGMA application_id = 1112363587;
    CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB);
    CREATE TABLE "odd ""name""" ("sp ace" TEXT, n, r REAL) ;
    CREATE TABLE counters (k TEXT PRIMARY KEY, v INTEGER) WITHOUT ROWID;
    CREATE TABLE seq (id INTEGER PRIMARY KEY AUTOINCREMENT, t TEXT);
    CREATE VIRTUAL TABLE docs USING fts5(title, body);
    CREATE TABLE ledger (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL);
    CREATE INDEX odd_n ON "odd ""name"""(n);
    CREATE VIEW big AS SELECT id, length(data) AS size FROM blobs WHERE length(data) > 100;
    CREATE TRIGGER seq_audit AFTER INSERT ON seq BEGIN UPDATE counters SET v = v + 1 WHERE k = 'seq'; END;
    INSERT INTO counters VALUES ('seq', 0), ('é✓', -9223372036854775808), ('max', 9223372036854775807);`);
  const every = Buffer.from(Array.from({ length: 256 }, (_, index) => index));
  const insertBlob = db.prepare('INSERT INTO blobs (data) VALUES (?)');
  insertBlob.run(every);
  insertBlob.run(Buffer.alloc(0));
  insertBlob.run(null);
  for (let index = 0; index < 400; index += 1)
    insertBlob.run(createHash('sha512').update(String(index)).digest());
  const odd = db.prepare(`INSERT INTO "odd ""name""" VALUES (?, ?, ?)`);
  odd.run('quote \' " and\nnewline\r\n.shell touch nothing', 1, 0.1);
  odd.run('emoji 🦫 and NUL-free tab\t', '12', -0.0);
  odd.run(null, 1e308, 1e-310);
  db.exec(`INSERT INTO seq (t) VALUES ('a'), ('b'), ('c'); DELETE FROM seq WHERE t = 'c';
    INSERT INTO docs VALUES ('écureuil', 'the quick brown fox'), ('other', 'nothing here'), ('fox', 'écureuil roux');`);
  db.close();
}

/** Keeps writing balanced pairs into `ledger` until killed (each transaction keeps the sum at 0). */
const WRITER = `
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(process.argv[2]);
db.exec('PRAGMA busy_timeout = 5000');
const insert = db.prepare('INSERT INTO ledger (amount) VALUES (?)');
let n = 1;
process.stdout.write('ready\\n');
const pause = new Int32Array(new SharedArrayBuffer(4));
for (;;) {
  db.exec('BEGIN IMMEDIATE'); insert.run(n); insert.run(-n); db.exec('COMMIT'); n += 1;
  Atomics.wait(pause, 0, 0, 2);
}
`;

describe('SQLite fidelity: a backup restores every row, object and header field', () => {
  it('WAL database under concurrent writes: blobs, FTS5, views, triggers, pragmas round-trip through bk', async () => {
    const dir = await tempDir('bk-fidelity-sqlite-');
    const live = join(dir, 'live.db');
    createHardDatabase(live);
    await writeConfig(dir, { remote: './remote', databases: { default: `sqlite:${live}` } });
    await writeFile(join(dir, 'writer.cjs'), WRITER);
    const writer = execa(process.execPath, [join(dir, 'writer.cjs'), live], {
      reject: false,
      buffer: { stdout: false, stderr: true },
    });
    await new Promise<void>((resolve, reject) => {
      writer.stdout?.once('data', () => resolve());
      writer.then((result) => reject(new Error(`the writer exited: ${result.stderr}`)));
    });
    const backup = await bk(dir, ['dbbackup']);
    writer.kill('SIGKILL');
    await writer;
    expect(backup.exitCode, backup.stderr).toBe(0);

    const restored = join(dir, 'restored.db');
    const restore = await bk(dir, ['dbrestore', '--to', `sqlite:${restored}`, '--noinput']);
    expect(restore.exitCode, restore.stderr).toBe(0);

    const check = new DatabaseSync(restored, { readOnly: true });
    const ledger = check
      .prepare('SELECT count(*) AS rows, coalesce(sum(amount), 0) AS total FROM ledger')
      .get();
    check.close();
    // The dump is one snapshot: whole writer transactions only.
    expect(Number(ledger?.rows)).toBeGreaterThan(0);
    expect(Number(ledger?.rows) % 2).toBe(0);
    expect(Number(ledger?.total)).toBe(0);

    // Everything but the ledger (which kept changing) is byte-for-byte the same; so are the pragmas.
    const stable = (path: string) => {
      const print = fingerprint(path) as { tables: Record<string, string> };
      delete print.tables.ledger;
      return print;
    };
    const expected = stable(live);
    expect(expected).toMatchObject({
      pragmas: { user_version: 42, application_id: 1112363587, page_size: 8192 },
    });
    expect(stable(restored)).toEqual(expected);
  });

  it('a UTF-16 database keeps its encoding, and a restore over an existing file keeps the header fields', async () => {
    const dir = await tempDir('bk-fidelity-sqlite16-');
    const live = join(dir, 'live.db');
    const db = new DatabaseSync(live);
    db.exec(`PRAGMA encoding = 'UTF-16le'; PRAGMA user_version = 7; CREATE TABLE t (x TEXT);
      INSERT INTO t VALUES ('ünï 🦫'); CREATE VIRTUAL TABLE docs USING fts5(body); INSERT INTO docs VALUES ('fox');`);
    db.close();
    await writeConfig(dir, { remote: './remote', databases: { default: `sqlite:${live}` } });
    expect((await bk(dir, ['dbbackup'])).exitCode).toBe(0);
    const expected = fingerprint(live);
    const change = new DatabaseSync(live);
    change.exec("PRAGMA user_version = 8; INSERT INTO t VALUES ('later');");
    change.close();
    const restore = await bk(dir, ['dbrestore', '--noinput']);
    expect(restore.exitCode, restore.stderr).toBe(0);
    expect(fingerprint(live)).toEqual(expected);
    expect(expected).toMatchObject({ pragmas: { encoding: 'UTF-16le', user_version: 7 } });
  });
});
