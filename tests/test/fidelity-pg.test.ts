import { afterAll, describe, expect, it } from 'vitest';
import { bk, psql, tempDir, uniqueName, writeConfig } from './helpers.js';

const source = uniqueName('bk_fidelity_pg');
const target = uniqueName('bk_fidelity_pg_to');
afterAll(async () => {
  for (const name of [source, target]) await psql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

/** Hard data in three schemas, two with quoted names, plus every kind of object that is not a row. */
const SEED = String.raw`
CREATE SCHEMA "Mixed Case"; CREATE SCHEMA "with space";
CREATE TYPE "Mixed Case".mood AS ENUM ('sad', 'ok', 'happy 😀');
ALTER TYPE "Mixed Case".mood ADD VALUE 'meh' BEFORE 'ok';
CREATE TABLE "Mixed Case"."Odd ""Table""" (
  id serial PRIMARY KEY, "Col Name" text, data bytea, tags text[], grid int[][], doc jsonb,
  m "Mixed Case".mood, at timestamptz, n numeric, f float8, r int4range, u uuid
);
INSERT INTO "Mixed Case"."Odd ""Table""" ("Col Name", data, tags, grid, doc, m, at, n, f, r, u) VALUES
  (E'tab\there\nnewline \\ back', '\x00010203ff00fe00'::bytea, ARRAY['a,b', '"q"', NULL, ''],
   '{{1,2},{3,4}}', '{"k": [1, 2.50, null, "日本"], "nested": {"a": true}}', 'happy 😀',
   '2024-02-29 23:59:59.999999+05:30', 12345678901234567890.0123456789, 'NaN', '[1,10)', gen_random_uuid()),
  (NULL, (SELECT string_agg(set_byte('\x00'::bytea, 0, b), ''::bytea) FROM generate_series(0, 255) b),
   '{}', NULL, '[]', 'meh', 'infinity', '-0.0', '-Infinity', 'empty', NULL),
  (E'\\! touch nothing', '', ARRAY[E'line\nbreak'], '{}', 'null', 'sad', '-infinity', 'NaN', -0.0, NULL, NULL);
INSERT INTO "Mixed Case"."Odd ""Table""" ("Col Name") VALUES ('gone');
DELETE FROM "Mixed Case"."Odd ""Table""" WHERE id = 4;
CREATE SEQUENCE "with space"."my seq" INCREMENT 7 START 5;
SELECT setval('"with space"."my seq"', 47, true);
CREATE TABLE "with space".files (id int PRIMARY KEY, blob oid, note varchar(10) DEFAULT 'x');
INSERT INTO "with space".files VALUES
  (1, lo_from_bytea(0, decode(repeat('00ff0a0d', 70000), 'hex')), 'big'),
  (2, lo_from_bytea(0, ''), 'empty');
CREATE TABLE public.parent (id int PRIMARY KEY);
CREATE TABLE public.child (id int PRIMARY KEY, parent_id int REFERENCES public.parent (id) ON DELETE CASCADE);
INSERT INTO public.parent SELECT generate_series(1, 500);
INSERT INTO public.child SELECT i, i FROM generate_series(1, 500) i;
CREATE INDEX child_partial ON public.child (parent_id) WHERE parent_id > 10;
CREATE VIEW "with space"."a view" AS SELECT id, m FROM "Mixed Case"."Odd ""Table""" WHERE m <> 'sad';
CREATE FUNCTION public.bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.note := upper(NEW.note); RETURN NEW; END $$;
CREATE TRIGGER files_bump BEFORE INSERT ON "with space".files FOR EACH ROW EXECUTE FUNCTION public.bump();
COMMENT ON TABLE "Mixed Case"."Odd ""Table""" IS E'a comment\nwith a newline';
COMMENT ON COLUMN "with space".files.blob IS 'large object';
`;

/**
 * Per-table checksums (`md5(string_agg(t::text ...))` in a stable order), large objects (oid and
 * md5 of the content), sequence positions, and the definitions of everything that is not a row.
 */
const FINGERPRINT = `
SELECT 'table ' || format('%I.%I', n.nspname, c.relname) || ' ' ||
  (xpath('/row/x/text()', query_to_xml(format(
    'SELECT count(*) || '':'' || coalesce(md5(string_agg(t::text, ''|'' ORDER BY t::text)), '''') AS x FROM %I.%I t',
    n.nspname, c.relname), false, true, '')))[1]::text
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
UNION ALL SELECT 'lo ' || oid || ' ' || md5(lo_get(oid)) FROM pg_largeobject_metadata
UNION ALL SELECT 'seq ' || schemaname || '.' || sequencename || ' ' || coalesce(last_value::text, 'null') || ' ' || increment_by FROM pg_sequences
UNION ALL SELECT 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
  FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid GROUP BY t.typname
UNION ALL SELECT 'view ' || schemaname || '.' || viewname || ' ' || md5(definition) FROM pg_views
  WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
UNION ALL SELECT 'index ' || md5(indexdef) FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog')
UNION ALL SELECT 'function ' || p.proname || ' ' || md5(pg_get_functiondef(p.oid)) FROM pg_proc p
  JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
UNION ALL SELECT 'trigger ' || tgname || ' ' || md5(pg_get_triggerdef(oid)) FROM pg_trigger WHERE NOT tgisinternal
UNION ALL SELECT 'comment ' || coalesce(obj_description(oid, 'pg_class'), '') FROM pg_class WHERE obj_description(oid, 'pg_class') IS NOT NULL
UNION ALL SELECT 'column comment ' || col_description('"with space".files'::regclass, 2)
UNION ALL SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
  WHERE connamespace IN (SELECT oid FROM pg_namespace WHERE nspname IN ('public', 'Mixed Case', 'with space'))
ORDER BY 1;`;

describe('PostgreSQL fidelity: every row, large object, sequence and object survives a round trip', () => {
  it('bytea with NULs, large objects, enums, arrays, jsonb, sequences, quoted schemas round-trip through bk', async () => {
    await psql('postgres', `CREATE DATABASE ${source}`);
    await psql(source, SEED);
    const dir = await tempDir('bk-fidelity-pg-');
    await writeConfig(dir, {
      remote: './remote',
      databases: { default: `postgres://postgres@127.0.0.1:5432/${source}` },
    });
    const backup = await bk(dir, ['dbbackup']);
    expect(backup.exitCode, backup.stderr).toBe(0);
    const restore = await bk(dir, [
      'dbrestore',
      '--to',
      `postgres://postgres@127.0.0.1:5432/${target}`,
      '--noinput',
    ]);
    expect(restore.exitCode, restore.stderr).toBe(0);

    const expected = await psql(source, FINGERPRINT);
    expect(expected).toMatch(/^lo \d+ [0-9a-f]{32}$/m);
    expect(expected).toMatch(/^seq with space\.my seq 47 7$/m);
    expect(expected).toMatch(/^enum mood sad,meh,ok,happy 😀$/m);
    expect(expected).toMatch(/^table "Mixed Case"\."Odd ""Table""" 3:/m);
    expect(await psql(target, FINGERPRINT)).toBe(expected);
    // A serial's position is carried too: the next id is the one the source would have given.
    expect(
      await psql(target, `SELECT nextval(pg_get_serial_sequence('"Mixed Case"."Odd ""Table"""', 'id'))`),
    ).toBe('5');
  });
});
