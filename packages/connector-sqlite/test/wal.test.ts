import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Readable } from 'node:stream';
import { dumpToBuffer } from '@bk/connector-test-suite';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { createSqliteConnector } from '../src/index.js';
import { makeTempDir, seed, snapshotFile } from './fixtures.js';

// Commits rows into the WAL without checkpointing, then dies: the -wal file keeps committed frames.
const CRASH_WRITER = `
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(process.argv[1]);
db.exec('PRAGMA wal_autocheckpoint=0');
db.exec("CREATE TABLE IF NOT EXISTS stale (v TEXT); INSERT INTO stale SELECT hex(randomblob(500)) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) SELECT i FROM n); UPDATE users SET name = 'from the stale wal';");
process.kill(process.pid, 'SIGKILL');
`;

describe('sqlite WAL targets', () => {
  it('a stale -wal of the old target is not applied to the restored file', async () => {
    const dir = await makeTempDir();
    const source = createSqliteConnector({ path: join(dir, 'source.db') });
    seed(source.options.path, 500);
    const dump = await dumpToBuffer(source);

    const targetPath = join(dir, 'target.db');
    seed(targetPath, 20);
    const setup = new DatabaseSync(targetPath);
    setup.exec('PRAGMA journal_mode=WAL');
    setup.close();
    await execa('node', ['-e', CRASH_WRITER, targetPath]).catch(() => {});
    expect((await readFile(`${targetPath}-wal`)).length).toBeGreaterThan(100_000);

    await createSqliteConnector({ path: targetPath }).restore(Readable.from([dump]));

    const restored = new DatabaseSync(targetPath, { readOnly: true });
    expect(restored.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    expect(restored.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    restored.close();
    expect(snapshotFile(targetPath)).toEqual(snapshotFile(source.options.path));
    expect(existsSync(`${targetPath}-journal`)).toBe(false);
  });

  it('dumps a WAL database including committed frames not yet checkpointed', async () => {
    const dir = await makeTempDir();
    const path = join(dir, 'live.db');
    seed(path, 100);
    const live = new DatabaseSync(path);
    live.exec('PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;');
    live.exec("INSERT INTO users (name) VALUES ('only in the wal')");
    try {
      const dump = (await dumpToBuffer(createSqliteConnector({ path }))).toString('utf8');
      expect(dump).toContain("'only in the wal'");
    } finally {
      live.close();
    }
  });
});
