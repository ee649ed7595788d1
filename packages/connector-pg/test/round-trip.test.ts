import { Readable } from 'node:stream';
import { dumpToBuffer } from '@bk/connector-test-suite';
import { afterAll, describe, expect, it } from 'vitest';
import { createPgConnector, type PgConnector } from '../src/index.js';
import { contentOf, createDatabase, dropDatabase, sql } from './pg-helpers.js';

const created: string[] = [];

afterAll(async () => {
  for (const database of created) await dropDatabase(database);
});

async function freshDatabase(): Promise<string> {
  const database = await createDatabase();
  created.push(database);
  return database;
}

function connectorFor(database: string, options: Parameters<typeof createPgConnector>[1] = {}): PgConnector {
  return createPgConnector(`postgres://postgres@127.0.0.1:5432/${database}`, options);
}

/** Seeds every kind of object pg_dump has to carry. */
async function seedRich(database: string): Promise<void> {
  await sql(
    database,
    `create type mood as enum ('sad', 'ok', 'happy');
     create table kinds (
       id serial primary key, data bytea, doc json, docb jsonb, ints int[], tags text[], label text,
       feeling mood, at timestamptz, amount numeric(12, 4), flag boolean, attachment oid
     );
     insert into kinds (data, doc, docb, ints, tags, label, feeling, at, amount, flag, attachment) values
       ('\\x00ff10deadbeef'::bytea, '{"a": [1, 2, {"b": null}]}', '{"z": 1, "a": "ü"}', '{1,2,3}', '{"x y","z,\\"q"}',
        'héllo wörld ✓ 日本語 🎉', 'happy', '2024-02-29 12:34:56.789+01', 12345678.1234, true,
        lo_from_bytea(0, '\\x0102030405'::bytea)),
       (null, null, null, null, null, null, null, null, null, null, null),
       (''::bytea, '[]', '{}', '{}', '{}', E'tab\\there\\nnewline \\\\ backslash', 'sad', 'infinity', -0.5, false,
        lo_from_bytea(0, convert_to(repeat('large object ', 20000), 'UTF8')));
     create sequence invoice_no start 1000;
     select setval('invoice_no', 1042);
     create table touched (id int primary key, note text, changed_at text);
     create function stamp() returns trigger language plpgsql as $$
       begin new.changed_at := 'stamped:' || new.id; return new; end $$;
     create trigger touched_stamp before insert or update on touched for each row execute function stamp();
     insert into touched (id, note) values (1, 'one'), (2, 'two');
     create view kinds_summary as select id, label, feeling from kinds where label is not null;
     create schema ledger;
     create table ledger.entries (id bigserial primary key, kind_id int references public.kinds, amount numeric);
     insert into ledger.entries (kind_id, amount) select 1, g from generate_series(1, 500) g;
     create table ledger.archive (id int, payload text);
     insert into ledger.archive select g, repeat('a', 100) from generate_series(1, 50) g;
     create function ledger.total() returns numeric language sql as 'select sum(amount) from ledger.entries';
     create table scratch (id int, junk text);
     insert into scratch values (1, 'junk');`,
  );
}

describe('PgConnector round trip', () => {
  it('carries bytea, json, arrays, unicode, NULLs, large objects, sequences, views, functions, triggers and schemas', async () => {
    const source = await freshDatabase();
    await seedRich(source);
    const before = await contentOf(source);
    expect(before['sequence public.invoice_no']).toBe('1042,true');
    expect(before['large objects']).toMatch(/^\d+=\w+,\d+=\w+$/);
    expect(before.views).toBe('public.kinds_summary');
    expect(before.triggers).toBe('touched_stamp');
    expect(before.functions).toBe('ledger.total(),stamp()');

    const dump = await dumpToBuffer(connectorFor(source));
    expect(dump.subarray(0, 5).toString()).toBe('PGDMP');

    // Into an empty database.
    const target = await freshDatabase();
    await connectorFor(target).restore(Readable.from([dump]));
    expect(await contentOf(target)).toEqual(before);
    // The restored trigger and function work.
    await sql(target, "insert into touched (id, note) values (3, 'three')");
    expect(await sql(target, 'select changed_at from touched where id = 3')).toBe('stamped:3');
    expect(await sql(target, 'select ledger.total()')).toBe('125250');
    expect(await sql(target, "select nextval('invoice_no')")).toBe('1043');

    // Over the changed source itself (--clean --if-exists), large objects and sequences included.
    await sql(
      source,
      `update kinds set label = 'changed'; delete from ledger.entries where id > 10;
       select setval('invoice_no', 5000); select lo_unlink(attachment) from kinds where id = 1;
       insert into touched (id, note) values (9, 'nine');`,
    );
    expect(await contentOf(source)).not.toEqual(before);
    await connectorFor(source).restore(Readable.from([dump]));
    expect(await contentOf(source)).toEqual(before);
  });

  it('excludeTables, excludeTableData and schemas shape the dump', async () => {
    const source = await freshDatabase();
    await seedRich(source);
    const before = await contentOf(source);

    const excluded = await freshDatabase();
    const dumpWithout = await dumpToBuffer(
      connectorFor(source, {
        excludeTables: ['scratch', 'ledger.arch*'],
        excludeTableData: ['ledger.entries'],
      }),
    );
    await connectorFor(excluded).restore(Readable.from([dumpWithout]));
    const after = await contentOf(excluded);
    expect(after['public.scratch']).toBeUndefined();
    expect(after['ledger.archive']).toBeUndefined();
    expect(after['ledger.entries']).toBe('0:');
    expect(after['public.kinds']).toBe(before['public.kinds']);

    // A schema-only dump cannot carry a foreign key into another schema: drop it first.
    await sql(source, 'alter table ledger.entries drop constraint entries_kind_id_fkey');
    const onlyLedger = await freshDatabase();
    await connectorFor(onlyLedger).restore(
      Readable.from([
        await dumpToBuffer(connectorFor(source, { schemas: ['ledger'], extraDumpArgs: ['--no-owner'] })),
      ]),
    );
    const ledger = await contentOf(onlyLedger);
    expect(Object.keys(ledger).filter((key) => key.includes('.') && !key.startsWith('sequence'))).toEqual([
      'ledger.archive',
      'ledger.entries',
    ]);
    expect(ledger['ledger.entries']).toBe(before['ledger.entries']);
  });

  it('restoreTables restores only the named tables (selective restore)', async () => {
    const source = await freshDatabase();
    await seedRich(source);
    const before = await contentOf(source);
    const dump = await dumpToBuffer(connectorFor(source));
    const target = await freshDatabase();
    await sql(target, 'create schema ledger');
    await connectorFor(target, { restoreTables: ['archive'], restoreSchemas: ['ledger'] }).restore(
      Readable.from([dump]),
    );
    const after = await contentOf(target);
    expect(after['ledger.archive']).toBe(before['ledger.archive']);
    expect(after['public.kinds']).toBeUndefined();
    expect(after['ledger.entries']).toBeUndefined();
  });

  it('compressionLevel sets pg_dump --compress', async () => {
    const source = await freshDatabase();
    await seedRich(source);
    const plain = await dumpToBuffer(connectorFor(source, { compressionLevel: 0 }));
    const packed = await dumpToBuffer(connectorFor(source, { compressionLevel: 9 }));
    expect(plain.length).toBeGreaterThan(packed.length * 2);
    expect(() => connectorFor(source, { compressionLevel: 12 })).toThrow(
      /compressionLevel must be an integer/,
    );
  });

  it('a restore failing part-way (clean: false onto existing objects) rolls back and changes nothing', async () => {
    const source = await freshDatabase();
    await seedRich(source);
    const dump = await dumpToBuffer(connectorFor(source));
    const before = await contentOf(source);
    await sql(source, "insert into scratch values (2, 'more')");
    const changed = await contentOf(source);
    // Without --clean the CREATEs collide with existing objects: the single transaction rolls back.
    const error = await connectorFor(source, { clean: false })
      .restore(Readable.from([dump]))
      .catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('ProcessError');
    expect((error as Error).message).toMatch(/^pg_restore exited 1: .*already exists/);
    expect(await contentOf(source)).toEqual(changed);
    expect(changed).not.toEqual(before);
  });

  it('rowCounts (exact and estimate), estimateSize and describe', async () => {
    const source = await freshDatabase();
    await seedRich(source);
    const connector = connectorFor(source);
    expect(await connector.rowCounts()).toEqual({
      'ledger.archive': 50,
      'ledger.entries': 500,
      'public.kinds': 3,
      'public.scratch': 1,
      'public.touched': 2,
    });
    await sql(source, 'analyze');
    const estimate = await connector.rowCounts({ estimate: true });
    expect(estimate['ledger.entries']).toBe(500);
    expect(await connector.estimateSize()).toBeGreaterThan(1_000_000);
    const description = await connector.describe();
    expect(description).toMatchObject({
      engine: 'postgresql',
      database: source,
      serverMajor: 15,
      toolMajor: 15,
    });
    expect(description.serverVersion).toMatch(/^15\.\d+/);
    expect(description.toolVersion).toMatch(/^pg_dump \(PostgreSQL\) 15\.\d+/);
    expect(description.versionWarning).toBeUndefined();
  });
});
