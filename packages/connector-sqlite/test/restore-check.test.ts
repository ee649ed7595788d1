import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createSqliteConnector, type SqliteIntegrityCheck, SqliteRestoreError } from '../src/index.js';
import { makeTempDir, seed } from './fixtures.js';

/**
 * Dumps whose loaded file fails a check. sqlite3 loads both without error (as it loads the
 * `writable_schema` statements a real `.dump` of a virtual table contains), so only the check
 * after loading can refuse them.
 */
const DUMPS = {
  // The schema says `b NOT NULL` but a row holds NULL: quick_check and integrity_check both fail.
  nullInNotNull: `PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE t (a INTEGER, b INTEGER);
INSERT INTO t VALUES(1,NULL);
PRAGMA writable_schema=ON;
UPDATE sqlite_schema SET sql='CREATE TABLE t (a INTEGER, b INTEGER NOT NULL)' WHERE name='t';
PRAGMA writable_schema=OFF;
COMMIT;
`,
  // The index was built on column a, the schema then claims it is on b: every page and record is
  // well formed (quick_check passes), only comparing the index with the table finds it.
  indexNotMatchingTable: `PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE t (a INTEGER, b INTEGER);
INSERT INTO t VALUES(1,100);
INSERT INTO t VALUES(2,200);
CREATE INDEX t_a ON t(a);
PRAGMA writable_schema=ON;
UPDATE sqlite_schema SET sql='CREATE INDEX t_a ON t(b)' WHERE name='t_a';
PRAGMA writable_schema=OFF;
COMMIT;
`,
};

async function setUp(integrityCheck?: SqliteIntegrityCheck) {
  const dir = await makeTempDir();
  const path = join(dir, 'target.db');
  seed(path, 10);
  const connector = createSqliteConnector(integrityCheck === undefined ? { path } : { path, integrityCheck });
  return { dir, path, connector, original: await readFile(path) };
}

async function expectRefusedAndUnchanged(
  setup: Awaited<ReturnType<typeof setUp>>,
  sql: string,
  pragma: string,
) {
  const error = await setup.connector.restore(Readable.from([sql])).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(SqliteRestoreError);
  expect((error as Error).message).toMatch(
    new RegExp(`refused: ${pragma} of the restored file failed: .*the file was not changed`),
  );
  expect((await readFile(setup.path)).equals(setup.original)).toBe(true);
  expect(await readdir(setup.dir)).toEqual(['target.db']);
  return error as SqliteRestoreError;
}

function rowsOf(path: string): unknown[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db
      .prepare('SELECT a, b FROM t ORDER BY a')
      .all()
      .map((row) => ({ ...row }));
  } finally {
    db.close();
  }
}

describe('the check a restored file must pass before it replaces the target', () => {
  it('defaults to quick_check, which refuses a file breaking a NOT NULL constraint', async () => {
    const setup = await setUp();
    expect(setup.connector.options.integrityCheck).toBe('quick');
    const error = await expectRefusedAndUnchanged(setup, DUMPS.nullInNotNull, 'quick_check');
    expect(error.message).toMatch(/NULL value in t\.b/);
    expect(error.message).not.toMatch(/\n/);
  });

  it("'full' runs integrity_check, which refuses the same file", async () => {
    const setup = await setUp('full');
    const error = await expectRefusedAndUnchanged(setup, DUMPS.nullInNotNull, 'integrity_check');
    expect(error.message).toMatch(/NULL value in t\.b/);
  });

  it("'full' also compares each index with its table; the default 'quick' does not", async () => {
    const full = await setUp('full');
    const error = await expectRefusedAndUnchanged(full, DUMPS.indexNotMatchingTable, 'integrity_check');
    expect(error.message).toMatch(/row 1 missing from index t_a; row 2 missing from index t_a/);

    // The trade-off 'quick' makes, shown: this file is only possible from a hand-edited dump.
    const quick = await setUp();
    await quick.connector.restore(Readable.from([DUMPS.indexNotMatchingTable]));
    expect(rowsOf(quick.path)).toEqual([
      { a: 1, b: 100 },
      { a: 2, b: 200 },
    ]);
    expect(await readdir(quick.dir)).toEqual(['target.db']);
  });

  it.each([['off'], ['FULL'], [''], [true]])('rejects integrityCheck %j with a ConfigError', (value) => {
    const create = () =>
      createSqliteConnector({ path: 'a.db', integrityCheck: value as unknown as SqliteIntegrityCheck });
    expect(create).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        code: 'BK_CONFIG_INVALID',
        key: 'integrityCheck',
        message: `integrityCheck must be "quick" or "full", got ${JSON.stringify(value)}`,
      }),
    );
  });
});
