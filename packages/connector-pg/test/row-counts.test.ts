import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgConnector } from '../src/index.js';
import { parseNamePattern } from '../src/name-pattern.js';
import { createDatabase, dropDatabase, sql } from './pg-helpers.js';

// The manifest's row counts (what `bk dbrestore --to URL --check` compares a restored copy with)
// cover exactly the tables the dump holds, or a drill reports differences that are not real.
let database: string;
const url = () => `postgres://postgres@127.0.0.1:5432/${database}`;

beforeAll(async () => {
  database = await createDatabase();
  await sql(
    database,
    `create table keep (id int); insert into keep select generate_series(1, 3);
     create table audit_log (id int); insert into audit_log select generate_series(1, 5);
     create table audit_2026 (id int); insert into audit_2026 select generate_series(1, 6);
     create table cache (id int); insert into cache select generate_series(1, 4);
     create table "MixedCase" (id int); insert into "MixedCase" select generate_series(1, 7);
     create schema other; create table other.t (id int); insert into other.t select generate_series(1, 2);`,
  );
});

afterAll(async () => {
  await dropDatabase(database);
});

describe('row counts follow the dump options', () => {
  it('without options, every table', async () => {
    expect(await createPgConnector(url()).rowCounts()).toEqual({
      'other.t': 2,
      'public.MixedCase': 7,
      'public.audit_2026': 6,
      'public.audit_log': 5,
      'public.cache': 4,
      'public.keep': 3,
    });
  });

  it('excludeTables leaves tables out, excludeTableData records 0 rows, schemas selects', async () => {
    const connector = createPgConnector({
      url: url(),
      excludeTables: ['audit_*', '"MixedCase"'],
      excludeTableData: ['public.cache'],
    });
    expect(await connector.rowCounts()).toEqual({ 'other.t': 2, 'public.cache': 0, 'public.keep': 3 });
    expect(await createPgConnector({ url: url(), schemas: ['oth*'] }).rowCounts()).toEqual({ 'other.t': 2 });
    // Unquoted names fold to lower case, as pg_dump's do: MixedCase matches no table.
    expect(
      Object.keys(await createPgConnector({ url: url(), excludeTables: ['MixedCase'] }).rowCounts()),
    ).toContain('public.MixedCase');
  });

  it('estimates use the planner once a table is analyzed, and count tables never analyzed', async () => {
    const connector = createPgConnector(url());
    // A fresh copy (a drill's scratch database) has no statistics: exact counts, not zeros.
    expect((await connector.rowCounts({ estimate: true }))['public.keep']).toBe(3);
    await sql(database, 'insert into keep select generate_series(4, 20000); analyze keep;');
    // Analyzed: the estimate (reltuples), close to the 20,000 rows.
    const estimated = (await connector.rowCounts({ estimate: true }))['public.keep']!;
    expect(Math.abs(estimated - 20_000)).toBeLessThan(1000);
    await sql(database, 'delete from keep where id > 3; analyze keep;');
  });

  it('converts pg_dump patterns as psql does', () => {
    expect(parseNamePattern('public.audit_*')).toEqual({ schema: '^(public)$', name: '^(audit_.*)$' });
    expect(parseNamePattern('"My.Schema"."T?"')).toEqual({ schema: '^(My\\.Schema)$', name: '^(T\\?)$' });
    expect(parseNamePattern('Log$')).toEqual({ schema: undefined, name: '^(log\\$)$' });
    expect(parseNamePattern('db.s.t')).toEqual({ schema: '^(s)$', name: '^(t)$' });
    expect(parseNamePattern('"a""b"')).toEqual({ schema: undefined, name: '^(a"b)$' });
  });
});
