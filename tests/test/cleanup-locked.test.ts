import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { acquireLock, createStorage, listBackups } from '@bk/core';
import { describe, expect, it } from 'vitest';
import { bk, tempDir, writeConfig } from './helpers.js';

describe('bk cleanup with one database locked', () => {
  it('prunes the others, names the locked one and exits 1', async () => {
    const dir = await tempDir('bk-cleanup-locked-');
    const databases: Record<string, string> = {};
    for (const name of ['alpha', 'beta', 'gamma']) {
      const file = join(dir, `${name}.db`);
      const db = new DatabaseSync(file);
      db.exec('CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1);');
      db.close();
      databases[name] = `sqlite:${file}`;
    }
    await writeConfig(dir, { remote: './remote', databases, db: { keep: { last: 1 } } });
    for (let run = 0; run < 2; run++) {
      const made = await bk(dir, ['dbbackup', '--all']);
      expect(made.exitCode, made.stderr).toBe(0);
    }
    const storage = createStorage(join(dir, 'remote'));
    const held = await acquireLock({ storage, name: 'alpha', operation: 'dbbackup' });
    try {
      const cleanup = await bk(dir, ['cleanup']);
      expect(cleanup.exitCode, cleanup.stderr).toBe(1);
      expect(cleanup.stderr).toMatch(/alpha: .*locked by dbbackup/);
      expect(cleanup.stderr).toMatch(/skipped alpha: locked by another run/);
      expect(cleanup.stderr).not.toMatch(/(beta|gamma): .*locked/);
      const count = async (database: string) => (await listBackups({ storage, database })).length;
      expect(await count('alpha')).toBe(2);
      expect(await count('beta')).toBe(1);
      expect(await count('gamma')).toBe(1);
    } finally {
      await held.release();
    }
  }, 90_000);
});
