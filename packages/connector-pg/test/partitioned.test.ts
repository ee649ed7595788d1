import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupDatabase, createStorage, ProcessError, restoreDatabase } from '@bk/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgConnector, type PgConnector, restorePgParallel } from '../src/index.js';
import { contentOf, createDatabase, dropDatabase, sql } from './pg-helpers.js';

// pg_restore --clean cannot drop the constraints of partitions ("cannot drop inherited
// constraint"), so the single-session restore of a database with partitioned tables over a
// populated target fails. It must fail whole (one transaction) and say what to do instead; the
// parallel path, which builds a new database and swaps it in, must restore it.
let database: string;
let remote: string;
let connector: PgConnector;

beforeAll(async () => {
  database = await createDatabase();
  remote = await mkdtemp(join(tmpdir(), 'bk-pg-partitioned-'));
  await sql(
    database,
    `create table events (id bigint not null, at date not null, body text, primary key (id, at))
       partition by range (at);
     create table events_2025 partition of events for values from ('2025-01-01') to ('2026-01-01');
     create table events_2026 partition of events for values from ('2026-01-01') to ('2027-01-01');
     insert into events select g, date '2025-06-01' + (g % 400), md5(g::text) from generate_series(1, 5000) g;`,
  );
  connector = createPgConnector(`postgres://postgres@127.0.0.1:5432/${database}`);
});

afterAll(async () => {
  const names = await sql('postgres', `select datname from pg_database where datname like '${database}%'`);
  for (const name of names.split('\n').filter(Boolean)) await dropDatabase(name);
  await rm(remote, { recursive: true, force: true });
});

describe('a database with partitioned tables', () => {
  it('one session fails whole with a hint naming --jobs; the parallel restore replaces it', async () => {
    const storage = createStorage(remote);
    const original = await contentOf(database);
    await backupDatabase({ storage, connector, database: 'default' });
    await sql(database, `delete from events where id % 2 = 0; create table added (x int);`);
    const changed = await contentOf(database);

    const error = await restoreDatabase({ storage, connector, database: 'default' }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ProcessError);
    expect((error as ProcessError).message).toMatch(
      /^pg_restore exited 1: .*cannot drop inherited constraint/,
    );
    expect((error as ProcessError).hint).toMatch(/bk dbrestore --jobs 2/);
    expect(await contentOf(database)).toEqual(changed);

    const restored = await restorePgParallel({ storage, connector, database: 'default', jobs: 2 });
    expect(restored.jobs).toBe(2);
    expect(await contentOf(database)).toEqual(original);
    expect(await sql(database, 'select count(*) from events')).toBe('5000');
  });
});
