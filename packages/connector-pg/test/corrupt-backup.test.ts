import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { backupDatabase, createStorage, IntegrityError, ProcessError, restoreDatabase } from '@bk/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgConnector, type PgConnector } from '../src/index.js';
import { contentOf, createDatabase, dropDatabase, sql } from './pg-helpers.js';

// DESIGN.md invariant 3 for PostgreSQL: a truncated or corrupted backup never changes the target.
let database: string;
let remote: string;
let connector: PgConnector;

beforeAll(async () => {
  database = await createDatabase();
  remote = await mkdtemp(join(tmpdir(), 'bk-pg-remote-'));
  await sql(
    database,
    `create table events (id int primary key, kind text, payload jsonb, blob bytea);
     insert into events select g, 'kind-' || (g % 7), jsonb_build_object('n', g, 'text', md5(g::text)),
       decode(md5(g::text), 'hex') from generate_series(1, 60000) g;
     create sequence tickets start 500; select setval('tickets', 777);
     select lo_from_bytea(0, convert_to(repeat('large object data ', 5000), 'UTF8'));`,
  );
  // Uncompressed, so a flipped byte inside row data is still a readable archive: only sha256 can tell.
  connector = createPgConnector(`postgres://postgres@127.0.0.1:5432/${database}`, { compressionLevel: 0 });
});

afterAll(async () => {
  await dropDatabase(database);
  await rm(remote, { recursive: true, force: true });
});

describe('a corrupt PostgreSQL backup never changes the target', () => {
  it('a bit flip fails with IntegrityError, a truncation is refused or rolled back, the database is untouched; the intact backup restores', async () => {
    const storage = createStorage(remote);
    const original = await contentOf(database);
    const { backup } = await backupDatabase({ storage, connector, database: 'default' });
    expect(backup.connector).toBe('pg');
    expect(backup.rowCounts).toEqual({ 'public.events': 60000 });
    const object = join(remote, backup.path);
    const pristine = await readFile(object);
    expect(pristine.length).toBe(backup.bytes);

    await sql(
      database,
      `update events set kind = 'changed' where id % 3 = 0; delete from events where id > 50000;
       select setval('tickets', 9999); insert into events values (-1, 'new', null, null);`,
    );
    const changed = await contentOf(database);
    expect(changed).not.toEqual(original);

    // 1. One flipped bit in the middle of the row data: same size, valid-looking archive.
    const flipped = Buffer.from(pristine);
    const middle = Math.floor(flipped.length * 0.6);
    flipped[middle] = (flipped[middle] as number) ^ 0x01;
    await writeFile(object, flipped);
    const flipError = await restoreDatabase({ storage, connector, database: 'default' }).catch(
      (caught: unknown) => caught,
    );
    expect(flipError).toBeInstanceOf(IntegrityError);
    expect((flipError as Error).message).toMatch(/sha256/);
    expect(await contentOf(database)).toEqual(changed);

    // 2. Truncated to 70 %: core sees the size differ from the manifest and does not offer it at all.
    const truncated = pristine.subarray(0, Math.floor(pristine.length * 0.7));
    await writeFile(object, truncated);
    const truncError = await restoreDatabase({ storage, connector, database: 'default' }).catch(
      (caught: unknown) => caught,
    );
    expect(truncError).toBeInstanceOf(IntegrityError);
    expect(await contentOf(database)).toEqual(changed);
    // Even handed to pg_restore directly, ending cleanly mid-archive, it rolls back: one transaction.
    const direct = await connector.restore(Readable.from([truncated])).catch((caught: unknown) => caught);
    expect(direct).toBeInstanceOf(ProcessError);
    expect((direct as Error).message).toMatch(/^pg_restore exited 1: /);
    expect(await contentOf(database)).toEqual(changed);

    // 3. The intact object restores everything, so the two failures above were not vacuous.
    await writeFile(object, pristine);
    await restoreDatabase({ storage, connector, database: 'default' });
    expect(await contentOf(database)).toEqual(original);
  });
});
