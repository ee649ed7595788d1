import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { dumpToBuffer, garbage, partialStream } from '@bk/connector-test-suite';
import { BinaryNotFoundError, ProcessError } from '@bk/core';
import { describe, expect, it } from 'vitest';
import { createSqliteConnector, SqliteRestoreError } from '../src/index.js';
import { makeTempDir, seed } from './fixtures.js';

async function setUp() {
  const dir = await makeTempDir();
  const source = createSqliteConnector({ path: join(dir, 'source.db') });
  seed(source.options.path, 2000);
  const target = createSqliteConnector({ path: join(dir, 'target.db') });
  seed(target.options.path, 10);
  const dump = await dumpToBuffer(source);
  return { dir, source, target, dump, original: await readFile(target.options.path) };
}

async function expectUnchanged(setup: Awaited<ReturnType<typeof setUp>>): Promise<void> {
  expect((await readFile(setup.target.options.path)).equals(setup.original)).toBe(true);
  expect((await readdir(setup.dir)).sort()).toEqual(['source.db', 'target.db']);
}

describe('sqlite restore failures leave the target byte-identical and no temp file', () => {
  it('garbage input', async () => {
    const setup = await setUp();
    const error = await setup.target.restore(Readable.from([garbage()])).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProcessError);
    expect((error as ProcessError).exitCode).toBe(1);
    expect((error as ProcessError).stderrTail).toMatch(/syntax error/);
    await expectUnchanged(setup);
  });

  it('a dump cut between two statements (sqlite3 itself would exit 0)', async () => {
    const setup = await setUp();
    const text = setup.dump.toString('utf8');
    const cut = text.slice(0, text.lastIndexOf('\nINSERT INTO', text.length / 2) + 1);
    const error = await setup.target.restore(Readable.from([cut])).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SqliteRestoreError);
    expect((error as Error).message).toMatch(/does not end with COMMIT;.*the file was not changed/);
    await expectUnchanged(setup);
  });

  it('a dump cut inside a statement', async () => {
    const setup = await setUp();
    const cut = setup.dump.subarray(0, Math.floor(setup.dump.length * 0.7) + 3);
    await expect(setup.target.restore(Readable.from([cut]))).rejects.toBeInstanceOf(ProcessError);
    await expectUnchanged(setup);
  });

  it('input failing mid-way, and an abort mid-way', async () => {
    const setup = await setUp();
    const failure = new Error('network gone');
    const failing = partialStream(setup.dump, setup.dump.length / 2, failure);
    await expect(setup.target.restore(failing.stream)).rejects.toBe(failure);
    await expectUnchanged(setup);

    const controller = new AbortController();
    const stalled = partialStream(setup.dump, setup.dump.length / 2);
    const restored = setup.target.restore(stalled.stream, { signal: controller.signal });
    await stalled.delivered;
    controller.abort();
    await expect(restored).rejects.toMatchObject({ name: 'AbortedError', code: 'BK_ABORTED' });
    stalled.stream.destroy();
    await expectUnchanged(setup);
  });

  it('valid SQL that is not a dump', async () => {
    const setup = await setUp();
    const sql = 'CREATE TABLE x (a);\nINSERT INTO x VALUES (1);\n';
    await expect(setup.target.restore(Readable.from([sql]))).rejects.toBeInstanceOf(SqliteRestoreError);
    await expectUnchanged(setup);
  });

  it('dot-commands in the input are refused before sqlite3 reads them: no shell runs', async () => {
    const setup = await setUp();
    const marker = join(setup.dir, 'pwned');
    const sql = `BEGIN TRANSACTION;\n.shell touch '${marker}'\nCOMMIT;\n`;
    await expect(setup.target.restore(Readable.from([sql]))).rejects.toBeInstanceOf(SqliteRestoreError);
    expect(existsSync(marker)).toBe(false);
    await expectUnchanged(setup);
  });
});

describe('sqlite missing file and missing binary', () => {
  it('a missing database fails dump and check, and is not created', async () => {
    const dir = await makeTempDir();
    const connector = createSqliteConnector({ path: join(dir, 'missing.db') });
    const handle = connector.dump();
    handle.stream.resume();
    const error = (await handle.done.catch((caught: unknown) => caught)) as ProcessError;
    expect(error).toBeInstanceOf(ProcessError);
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(/^sqlite3 exited 1: Error: unable to open database .*missing\.db/);
    await expect(connector.check()).rejects.toBeInstanceOf(ProcessError);
    await expect(connector.rowCounts()).rejects.toBeInstanceOf(ProcessError);
    expect(await connector.estimateSize()).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
  });

  it('a missing sqlite3 binary is a BinaryNotFoundError with an install hint', async () => {
    const dir = await makeTempDir();
    const path = join(dir, 'app.db');
    seed(path, 3);
    const original = await readFile(path);
    const connector = createSqliteConnector({ path, binary: join(dir, 'no-such-sqlite3') });
    const handle = connector.dump();
    const error = (await handle.done.catch((caught: unknown) => caught)) as BinaryNotFoundError;
    expect(error).toBeInstanceOf(BinaryNotFoundError);
    expect(error.hint).toBe('apt-get install sqlite3');
    expect(error.category).toBe('config');
    await expect(connector.describe()).rejects.toBeInstanceOf(BinaryNotFoundError);
    await expect(connector.check()).rejects.toBeInstanceOf(BinaryNotFoundError);
    await expect(connector.restore(Readable.from(['COMMIT;\n']))).rejects.toBeInstanceOf(BinaryNotFoundError);
    expect((await readFile(path)).equals(original)).toBe(true);
    expect(await readdir(dir)).toEqual(['app.db']);
  });
});
