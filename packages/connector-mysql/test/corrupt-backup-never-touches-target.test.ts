import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { watchArgv } from '@bk/connector-test-suite';
import { backupDatabase, createStorage, type RestoreOptions, restoreDatabase } from '@bk/core';
import { afterEach, describe, expect, it } from 'vitest';
import { MysqlConnector } from '../src/index.js';
import { createFixture, type MysqlFixture } from './helpers/fixture.js';
import { sql } from './helpers/mariadb.js';

/** Counts restore calls, so a test can prove the restore tool was never started. */
class CountingConnector extends MysqlConnector {
  restores = 0;

  override restore(input: Readable, options?: RestoreOptions): Promise<void> {
    this.restores += 1;
    return super.restore(input, options);
  }
}

async function findBackupFile(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.sql'))
    .map((entry) => join(entry.parentPath, entry.name));
  expect(files).toHaveLength(1);
  return files[0]!;
}

/** Table checksums: what the target holds, independent of how rows are read. */
async function checksums(fixture: MysqlFixture): Promise<string[][]> {
  return sql('CHECKSUM TABLE users, orders, order_totals, audit_log EXTENDED', {
    database: fixture.database,
  });
}

/**
 * DESIGN invariant 3 for MySQL: restores are not atomic (DDL commits), so core must verify the
 * whole backup's sha256 before the target is touched. A bit-flipped or truncated backup is refused
 * with an IntegrityError, no restore process is started, and the target keeps its content.
 */
describe('a corrupted MySQL backup never touches the target (through @bk/core and a local rclone remote)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp() {
    const fixture = await createFixture({ large: false });
    cleanups.push(() => fixture.cleanup());
    const dir = await mkdtemp(join(tmpdir(), 'bk-mysql-remote-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const storage = createStorage(dir);
    const connector = new CountingConnector({
      url: `mysql://${fixture.user}:${encodeURIComponent(fixture.password)}@127.0.0.1:3306/${fixture.database}`,
    });
    const original = await fixture.snapshot();
    const { backup } = await backupDatabase({ storage, connector, database: 'app' });
    expect(backup.connector).toBe('mysql');
    // Change the target after the backup: a restore that ran would put the old rows back.
    await fixture.mutate();
    const before = { tables: await fixture.snapshot(), checksums: await checksums(fixture) };
    return { fixture, dir, storage, connector, backup, before, original };
  }

  async function expectRefusedUntouched(
    context: Awaited<ReturnType<typeof setUp>>,
    expected: { name: string; code: string } = { name: 'IntegrityError', code: 'BK_INTEGRITY' },
  ): Promise<void> {
    const { fixture, storage, connector, before } = context;
    const watch = watchArgv([fixture.password]);
    let error: unknown;
    try {
      error = await restoreDatabase({ storage, connector, database: 'app' }).catch(
        (failure: unknown) => failure,
      );
    } finally {
      const report = await watch.stop();
      expect(report.leaks).toEqual([]);
      expect(report.commands.filter((line) => line.includes('--binary-mode'))).toEqual([]);
    }
    expect(error).toMatchObject(expected);
    expect(connector.restores).toBe(0);
    expect(await checksums(fixture)).toEqual(before.checksums);
    expect(await fixture.snapshot()).toEqual(before.tables);
  }

  it('a bit-flipped backup is refused before the target is touched', async () => {
    const context = await setUp();
    const file = await findBackupFile(context.dir);
    const bytes = await readFile(file);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = bytes[middle]! ^ 0x04;
    await writeFile(file, bytes);
    await expectRefusedUntouched(context);
  });

  it('a truncated backup is refused before the target is touched', async () => {
    const context = await setUp();
    const file = await findBackupFile(context.dir);
    const { length } = await readFile(file);
    const kept = Math.floor(length * 0.6);
    await truncate(file, kept);
    // Its size no longer matches the manifest: core refuses it as damaged before anything runs.
    await expectRefusedUntouched(context, { name: 'IntegrityError', code: 'BK_INTEGRITY' });
    // Make the manifest agree on the size: now only the sha256 can catch it, before the target is touched.
    const manifestPath = `${file}.json`;
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { bytes: number };
    expect(manifest.bytes).toBe(length);
    await writeFile(manifestPath, JSON.stringify({ ...manifest, bytes: kept }));
    await expectRefusedUntouched(context);
  });

  it('control: the intact backup restores and undoes the change', async () => {
    const { fixture, storage, connector, before, original } = await setUp();
    await restoreDatabase({ storage, connector, database: 'app' });
    expect(connector.restores).toBe(1);
    expect(await fixture.snapshot()).toEqual(original);
    expect(original).not.toEqual(before.tables);
    expect(await checksums(fixture)).not.toEqual(before.checksums);
  });
});
