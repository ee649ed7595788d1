import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Readable } from 'node:stream';
import { dumpToBuffer } from '@bk/connector-test-suite';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { createSqliteConnector } from '../src/index.js';
import { makeTempDir } from './fixtures.js';

// Inserts ledger entries in pairs (+amount, -amount), one transaction per pair, until killed.
const WRITER = `
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(process.argv[1], { timeout: 30000 });
const insert = db.prepare('INSERT INTO ledger (amount, memo) VALUES (?, ?)');
const pause = new Int32Array(new SharedArrayBuffer(4));
process.stdout.write('ready\\n');
for (let i = 1; ; i += 1) {
  db.exec('BEGIN IMMEDIATE');
  insert.run(i, 'credit ' + 'x'.repeat(200));
  insert.run(-i, 'debit ' + 'y'.repeat(200));
  db.exec('COMMIT');
  if (i % 20 === 0) Atomics.wait(pause, 0, 0, 1); // let readers in now and then, as real writers do
}
`;

function ledger(path: string): { rows: number; sum: number; maxId: number } {
  const db = new DatabaseSync(path, { readOnly: true, timeout: 30_000 });
  try {
    const row = db
      .prepare('SELECT count(*) AS rows, total(amount) AS sum, max(id) AS maxId FROM ledger')
      .get();
    return { rows: Number(row?.rows), sum: Number(row?.sum), maxId: Number(row?.maxId) };
  } finally {
    db.close();
  }
}

describe.each(['wal', 'delete'])('sqlite dump under a concurrent writer (journal_mode=%s)', (mode) => {
  it('restores a consistent prefix that passes integrity_check', async () => {
    const dir = await makeTempDir();
    const path = join(dir, 'ledger.db');
    const db = new DatabaseSync(path);
    db.exec(`PRAGMA journal_mode=${mode}`);
    db.exec('CREATE TABLE ledger (id INTEGER PRIMARY KEY AUTOINCREMENT, amount INTEGER NOT NULL, memo TEXT)');
    db.exec(
      'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) INSERT INTO ledger (amount, memo) SELECT CASE i % 2 WHEN 1 THEN (i + 1) / 2 ELSE -(i / 2) END, hex(randomblob(100)) FROM n',
    );
    db.close();

    const writer = execa('node', ['-e', WRITER, path], { buffer: false });
    try {
      await new Promise<void>((resolve) => writer.stdout.once('data', () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const connector = createSqliteConnector({ path });
      const atStart = ledger(path).rows;
      const dump = await dumpToBuffer(connector);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const atEnd = ledger(path).rows;
      expect(atEnd, 'the writer must keep writing during the dump').toBeGreaterThan(atStart);

      const restoredPath = join(dir, 'restored.db');
      await createSqliteConnector({ path: restoredPath }).restore(Readable.from([dump]));
      const check = new DatabaseSync(restoredPath, { readOnly: true });
      expect(check.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
      check.close();
      const restored = ledger(restoredPath);
      expect(restored.sum).toBe(0);
      expect(restored.rows % 2).toBe(0);
      expect(restored.maxId).toBe(restored.rows); // a prefix: no gaps
      expect(restored.rows).toBeGreaterThanOrEqual(atStart);
      expect(restored.rows).toBeLessThanOrEqual(atEnd);
    } finally {
      writer.kill('SIGKILL');
      await writer.catch(() => {});
    }
  });
});
