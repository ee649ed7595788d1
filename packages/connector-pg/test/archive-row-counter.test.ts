import { dumpToBuffer } from '@bk/connector-test-suite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgConnector } from '../src/index.js';
import { createDatabase, dropDatabase, sql } from './pg-helpers.js';

// The archive counter reads pg_dump's own output: its counts are those of the dump's snapshot. It
// must agree with rowCounts() on every kind of table and value, at every compression level.
let database: string;
const url = () => `postgres://postgres@127.0.0.1:5432/${database}`;

const EXPECTED = {
  'public.plain': 3,
  'public.empty': 0,
  'public.measurements': 0,
  'public.measurements_2025': 2,
  'public.measurements_2026': 1,
  'public.parent': 1,
  'public.child': 2,
  'public.skipped': 0,
  'public.big': 30_000,
  'Odd "schema".Odd.Table': 2,
};

beforeAll(async () => {
  database = await createDatabase();
  await sql(
    database,
    String.raw`create table plain (id int, t text, b bytea);
     insert into plain values
       (1, E'two\nlines\n\\.\n', '\x000a0d5c2e0a'),
       (2, E'tab\there \\. ', null),
       (3, null, '\x');
     create table empty (id int);
     create table measurements (at date, v int) partition by range (at);
     create table measurements_2025 partition of measurements for values from ('2025-01-01') to ('2026-01-01');
     create table measurements_2026 partition of measurements for values from ('2026-01-01') to ('2027-01-01');
     insert into measurements values ('2025-02-01', 1), ('2025-03-01', 2), ('2026-04-01', 3);
     create table parent (id int); insert into parent values (1);
     create table child (extra text) inherits (parent); insert into child values (2, 'x'), (3, 'y');
     create table skipped (id int); insert into skipped values (1), (2);
     create table big (id int, v text); insert into big select g, repeat('x', 50) from generate_series(1, 30000) g;
     create schema "Odd ""schema"""; create table "Odd ""schema"""."Odd.Table" (id int);
     insert into "Odd ""schema"""."Odd.Table" values (1), (2);
     select lo_from_bytea(0, '\x0a0a0a'::bytea);`,
  );
});

afterAll(async () => {
  await dropDatabase(database);
});

describe('ArchiveRowCounter against real pg_dump archives', () => {
  it.each([
    ['the default compression', {}],
    ['no compression', { compressionLevel: 0 }],
    ['maximum compression', { compressionLevel: 9 }],
  ])('counts what rowCounts() counts, with %s', async (_label, options) => {
    const connector = createPgConnector({ url: url(), excludeTableData: ['skipped'], ...options });
    const dump = await dumpToBuffer(connector);
    const counter = connector.rowCounter();
    for (let offset = 0; offset < dump.length; offset += 1021)
      counter.write(dump.subarray(offset, offset + 1021));
    const counted = await counter.end();
    expect(counted).toEqual(EXPECTED);
    expect(await connector.rowCounts()).toEqual(EXPECTED);
  });

  it('records no counts, rather than wrong ones, for a cut or foreign stream', async () => {
    const connector = createPgConnector({ url: url() });
    const dump = await dumpToBuffer(connector);
    const cut = connector.rowCounter();
    cut.write(dump.subarray(0, dump.length - 5));
    expect(await cut.end()).toBeUndefined();
    const text = connector.rowCounter();
    text.write(Buffer.from('-- a plain SQL dump\nCOPY t FROM stdin;\n1\n\\.\n'));
    expect(await text.end()).toBeUndefined();
  });
});
