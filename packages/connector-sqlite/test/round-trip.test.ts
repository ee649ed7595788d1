import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Readable } from 'node:stream';
import { dumpToBuffer } from '@bk/connector-test-suite';
import { describe, expect, it } from 'vitest';
import { createSqliteConnector } from '../src/index.js';
import { makeTempDir, seed, snapshotFile } from './fixtures.js';

describe('sqlite round trip', () => {
  it('100,000 rows with unicode text, blobs and NULLs round trip identically', async () => {
    const dir = await makeTempDir();
    const source = createSqliteConnector({ path: join(dir, 'source.db') });
    const counts = seed(source.options.path, 100_000);
    const dump = await dumpToBuffer(source);
    // The header fields .dump leaves out come first, then .dump itself.
    expect(dump.toString('utf8', 0, 300)).toMatch(
      /^PRAGMA page_size=\d+;\nPRAGMA auto_vacuum=\d;\nPRAGMA encoding='UTF-8';\nPRAGMA user_version=0;\nPRAGMA application_id=0;\n-- journal_mode=\w+\nPRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;/,
    );

    const target = createSqliteConnector(`sqlite:${join(dir, 'restored.db')}`);
    await target.restore(Readable.from([dump]));
    expect(snapshotFile(target.options.path)).toEqual(snapshotFile(source.options.path));
    expect(await target.rowCounts()).toEqual(counts);

    // Spot-check values, not only hashes: NULLs stay NULL, blobs stay bytes, text stays text.
    const db = new DatabaseSync(target.options.path, { readOnly: true });
    const row = db.prepare('SELECT name, avatar, score, note FROM users WHERE id = 4').get();
    const empty = db.prepare('SELECT avatar, score FROM users WHERE id = 15').get();
    const schema = db
      .prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name IN ('users_name', 'user_names')")
      .get();
    db.close();
    expect(row).toEqual({
      name: 'row 4 — ünïcødé 数据 ✓ 🚀 \'quoted\' "double" xxxx',
      avatar: new Uint8Array([4, 0, 255, 28, 10, 13]),
      score: 4 / 7,
      note: 'n\n\t',
    });
    expect(empty).toEqual({ avatar: null, score: null });
    expect(schema).toEqual({ n: 2 });
  });

  it('a restore over an existing file replaces it and keeps its mode', async () => {
    const dir = await makeTempDir();
    const source = createSqliteConnector({ path: join(dir, 'source.db') });
    seed(source.options.path, 50);
    const target = createSqliteConnector({ path: join(dir, 'target.db') });
    seed(target.options.path, 7);
    const { chmod } = await import('node:fs/promises');
    await chmod(target.options.path, 0o640);
    await target.restore(Readable.from([await dumpToBuffer(source)]));
    expect(snapshotFile(target.options.path)).toEqual(snapshotFile(source.options.path));
    expect((await stat(target.options.path)).mode & 0o777).toBe(0o640);
    expect((await readdir(dir)).sort()).toEqual(['source.db', 'target.db']);

    // Through a symlink: the file it points to is replaced, the link stays a link.
    const { lstat, symlink } = await import('node:fs/promises');
    await symlink(target.options.path, join(dir, 'link.db'));
    seed(source.options.path.replace('source', 'other'), 3);
    const other = createSqliteConnector({ path: join(dir, 'other.db') });
    await createSqliteConnector({ path: join(dir, 'link.db') }).restore(
      Readable.from([await dumpToBuffer(other)]),
    );
    expect((await lstat(join(dir, 'link.db'))).isSymbolicLink()).toBe(true);
    expect(snapshotFile(target.options.path)).toEqual(snapshotFile(other.options.path));
  });

  it('paths with spaces and unicode work, as a path and as a sqlite: URL', async () => {
    const dir = await makeTempDir();
    const path = join(dir, 'my dåtábase 数据 🚀.sqlite3');
    seed(path, 30);
    const byUrl = createSqliteConnector(`sqlite://${path}`);
    expect(byUrl.options.path).toBe(path);
    const byEscapedUrl = createSqliteConnector(`sqlite:${encodeURI(path)}`);
    expect(byEscapedUrl.options.path).toBe(path);
    await byUrl.check();
    expect(await byUrl.describe()).toMatchObject({
      engine: 'sqlite',
      database: 'my dåtábase 数据 🚀.sqlite3',
    });
    const dump = await dumpToBuffer(byUrl);
    const copy = join(dir, 'cöpy with space.db');
    await writeFile(copy, '');
    await createSqliteConnector({ path: copy }).restore(Readable.from([dump]));
    expect(snapshotFile(copy)).toEqual(snapshotFile(path));
  });

  it('virtual tables (FTS5), WITHOUT ROWID tables and triggers survive the round trip', async () => {
    const dir = await makeTempDir();
    const path = join(dir, 'fts.db');
    const db = new DatabaseSync(path);
    db.exec(`
      CREATE VIRTUAL TABLE docs USING fts5(body);
      INSERT INTO docs VALUES ('hello world'), ('ünïcødé text');
      CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;
      INSERT INTO kv VALUES ('a', x'00ff00'), ('b', NULL);
      CREATE TABLE audit (n INTEGER);
      CREATE TRIGGER kv_audit AFTER INSERT ON kv BEGIN INSERT INTO audit VALUES (1); END;
    `);
    db.close();
    const dump = await dumpToBuffer(createSqliteConnector({ path }));
    const copy = join(dir, 'copy.db');
    await createSqliteConnector({ path: copy }).restore(Readable.from([dump]));
    const restored = new DatabaseSync(copy);
    expect(restored.prepare("SELECT body FROM docs WHERE docs MATCH 'hello'").all()).toEqual([
      { body: 'hello world' },
    ]);
    expect(restored.prepare('SELECT k, v FROM kv ORDER BY k').all()).toEqual([
      { k: 'a', v: new Uint8Array([0, 255, 0]) },
      { k: 'b', v: null },
    ]);
    restored.exec("INSERT INTO kv VALUES ('c', NULL)");
    expect(restored.prepare('SELECT count(*) AS n FROM audit').get()).toEqual({ n: 1 });
    restored.close();
  });
});
