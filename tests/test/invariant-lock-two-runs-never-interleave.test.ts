import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { acquireLock, createStorage, LockHeldError, readFailureRecord } from '@bk/core';
import { describe, expect, it } from 'vitest';
import { bk, filesUnder, tempDir, writeConfig } from './helpers.js';

async function project() {
  const dir = await tempDir('bk-lock-');
  const db = new DatabaseSync(join(dir, 'app.db'));
  db.exec('CREATE TABLE t (a); INSERT INTO t VALUES (1), (2);');
  db.close();
  await writeConfig(dir, { remote: './remote', databases: { default: 'sqlite:./app.db' } });
  return { dir, remote: join(dir, 'remote'), storage: createStorage(join(dir, 'remote')) };
}

describe('a lock on the remote: two bk runs against one database never interleave', () => {
  it('of six contenders racing for the lock, exactly one holds it', async () => {
    const { storage } = await project();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, () =>
        acquireLock({ storage, name: 'default', operation: 'backup', retryMs: 50 }),
      ),
    );
    const held = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    expect(held).toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(LockHeldError.isInstance(outcome.reason)).toBe(true);
    }
    await (held[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLock>>>).value.release();
    const again = await acquireLock({ storage, name: 'default' });
    await again.release();
  });

  it('a second bk run exits 1 naming the holder and writes nothing; with --wait it runs once the lock is free', async () => {
    const { dir, remote, storage } = await project();
    const lock = await acquireLock({
      storage,
      name: 'default',
      operation: 'backup',
      host: 'other-host',
      pid: 4242,
    });
    const before = await filesUnder(join(remote, 'db'));
    const blocked = await bk(dir, ['dbbackup']);
    expect(blocked.exitCode).toBe(1);
    expect(blocked.stderr).toMatch(/locked by backup on other-host \(pid 4242\) since \d{4}-/);
    expect(await filesUnder(join(remote, 'db'))).toEqual(before);
    await writeConfig(dir, {
      remote: './remote',
      databases: { default: 'sqlite:./app.db' },
      db: { keep: 1 },
    });
    for (const args of [['dbrestore', '--noinput'], ['cleanup']]) {
      const other = await bk(dir, args);
      expect(other.exitCode, args.join(' ')).not.toBe(0);
    }
    setTimeout(() => void lock.release(), 1500);
    const waited = await bk(dir, ['dbbackup', '--wait', '20s']);
    expect(waited.stderr).toBe('');
    expect(waited.exitCode).toBe(0);
    expect((await filesUnder(join(remote, 'db'))).filter((file) => !file.startsWith('.'))).toHaveLength(2);
  });

  it('a lock left by a process that died on this host (kill -9) is stale at once', async () => {
    const { dir, storage } = await project();
    const dead = 2 ** 22 - 7; // above the default pid_max: no such process
    await acquireLock({ storage, name: 'default', pid: dead, operation: 'backup' });
    const result = await bk(dir, ['dbbackup']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    // The killed backup's lock became a failure record, which this successful backup cleared.
    expect(await readFailureRecord({ storage, database: 'default' })).toBeUndefined();
  });

  it('a lock not refreshed within staleAfterMs is stale', async () => {
    const { storage } = await project();
    await acquireLock({ storage, name: 'default', host: 'gone-host', pid: 1, staleAfterMs: 60_000 });
    await expect(acquireLock({ storage, name: 'default', staleAfterMs: 60_000 })).rejects.toThrow(
      /gone-host/,
    );
    const taken = await acquireLock({ storage, name: 'default', staleAfterMs: 1 });
    await taken.release();
  });
});
