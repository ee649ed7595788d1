import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Readable } from 'node:stream';
import { dumpToBuffer } from '@bk/connector-test-suite';
import { describe, expect, it } from 'vitest';
import { createSqliteConnector } from '../src/index.js';
import { makeTempDir } from './fixtures.js';

/** Values and names built to fool a counter that reads `.dump` text. */
const HOSTILE_SQL = `
CREATE TABLE "we""ird [name]" (v TEXT, b BLOB);
CREATE TABLE [brackets] (v);
CREATE TABLE \`ticks\` (v);
CREATE TABLE plain (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT);
CREATE TABLE empty (v);
CREATE TABLE kv (k TEXT PRIMARY KEY, v) WITHOUT ROWID;
CREATE TABLE "naïve 😀" (v);
CREATE VIRTUAL TABLE docs USING fts5(body);
INSERT INTO "we""ird [name]" VALUES
  ('a;b', x'00273b0a'), ('two
lines; INSERT INTO plain VALUES(1);', NULL), ('''); INSERT INTO empty VALUES(''', '');
INSERT INTO [brackets] VALUES ('x'), ('-- not a comment'), ('/* nor this */');
INSERT INTO \`ticks\` VALUES ('END;');
INSERT INTO plain (v) VALUES ('p1'), ('p2'), ('p3');
INSERT INTO kv VALUES ('a', 1), ('b', 2);
INSERT INTO "naïve 😀" VALUES ('é');
INSERT INTO docs (body) VALUES ('full text; INSERT INTO plain VALUES (9);'), ('second');
CREATE VIEW plain_view AS SELECT * FROM plain WHERE v <> 'INSERT INTO plain VALUES(1);';
CREATE TRIGGER plain_audit AFTER UPDATE ON plain BEGIN
  INSERT INTO empty VALUES (CASE WHEN new.v = 'x' THEN 1 ELSE 2 END);
  INSERT INTO kv VALUES ('t' || new.id, 'END;');
END;
CREATE INDEX plain_v ON plain (v);
ANALYZE;
`;

describe('SqliteDumpRowCounter', () => {
  it('counts in a hostile .dump exactly what the database and its restored copy hold', async () => {
    const dir = await makeTempDir();
    const path = join(dir, 'hostile.db');
    const db = new DatabaseSync(path);
    db.exec(HOSTILE_SQL);
    db.close();
    const connector = createSqliteConnector({ path });
    const dump = await dumpToBuffer(connector);
    const counter = connector.rowCounter();
    counter.write(dump);
    const counted = await counter.end();
    expect(counted).toEqual(await connector.rowCounts());
    expect(counted).toMatchObject({
      'we"ird [name]': 3,
      brackets: 3,
      ticks: 1,
      plain: 3,
      empty: 0,
      kv: 2,
      'naïve 😀': 1,
    });
    expect(Object.keys(counted ?? {}).filter((name) => name.startsWith('sqlite_'))).toEqual([]);
    expect(counted).not.toHaveProperty('docs');

    const restored = createSqliteConnector({ path: join(dir, 'restored.db') });
    await restored.restore(Readable.from([dump]));
    expect(await restored.rowCounts()).toEqual(counted);
  });

  it('records no counts, rather than wrong ones, for a dump cut inside a string', async () => {
    const counter = createSqliteConnector({ path: '/nonexistent.db' }).rowCounter();
    counter.write(Buffer.from("CREATE TABLE t(v);\nINSERT INTO t VALUES('cut here"));
    expect(await counter.end()).toBeUndefined();
  });

  it('records no counts when a table name is longer than the statement head it keeps', async () => {
    const counter = createSqliteConnector({ path: '/nonexistent.db' }).rowCounter();
    const name = `"${'n'.repeat(5000)}"`;
    counter.write(Buffer.from(`CREATE TABLE ${name}(v);\nINSERT INTO ${name} VALUES(1);\n`));
    expect(await counter.end()).toBeUndefined();
  });
});
