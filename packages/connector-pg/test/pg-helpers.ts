import { randomBytes } from 'node:crypto';
import { execa } from 'execa';

/** A libpq connection string for the test server as the superuser. */
export function adminConninfo(database = 'postgres'): string {
  return `host=127.0.0.1 port=5432 user=postgres dbname=${database}`;
}

/** A unique name for a database or role this test creates (test files run in parallel). */
export function uniqueName(prefix = 'bk_pg'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** Runs SQL through psql against `database` (as `user`) and returns the unaligned output. */
export async function sql(database: string, statement: string, user = 'postgres'): Promise<string> {
  const { stdout } = await execa(
    'psql',
    ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', `host=127.0.0.1 user=${user} dbname=${database}`],
    { input: statement },
  );
  return stdout;
}

/** Creates an empty database (owned by `owner`) and returns its name. */
export async function createDatabase(owner = 'postgres'): Promise<string> {
  const name = uniqueName();
  await sql('postgres', `create database "${name}" owner "${owner}"`);
  return name;
}

/** Drops a database, disconnecting anyone still on it. Never throws for a missing one. */
export async function dropDatabase(name: string): Promise<void> {
  await sql('postgres', `drop database if exists "${name.replaceAll('"', '""')}" with (force)`);
}

/** Creates a login role with a password; returns its name. */
export async function createRole(password: string, extra = ''): Promise<string> {
  const name = uniqueName('bk_pg_role');
  await sql('postgres', `create role "${name}" login password '${password.replaceAll("'", "''")}' ${extra}`);
  return name;
}

/** Drops a role (and what it owns in `postgres`). */
export async function dropRole(name: string): Promise<void> {
  await sql('postgres', `drop role if exists "${name}"`);
}

/**
 * Every user table of the database as `{ "schema.table": "rowcount:md5 of the sorted rows" }`,
 * plus sequences (`last_value,is_called`), large objects, views, functions and triggers.
 */
export async function contentOf(database: string): Promise<Record<string, string>> {
  const tables = await sql(
    database,
    `select format('%I.%I', schemaname, tablename) from pg_tables
     where schemaname not in ('pg_catalog', 'information_schema') and tablename <> 'spatial_ref_sys' order by 1`,
  );
  const content: Record<string, string> = {};
  for (const table of tables.split('\n').filter(Boolean)) {
    content[table] = await sql(
      database,
      `select count(*) || ':' || coalesce(md5(string_agg(t::text, E'\\n' order by t::text)), '') from ${table} t`,
    );
  }
  const sequences = await sql(
    database,
    `select format('%I.%I', schemaname, sequencename) from pg_sequences order by 1`,
  );
  for (const sequence of sequences.split('\n').filter(Boolean)) {
    content[`sequence ${sequence}`] = await sql(
      database,
      `select last_value || ',' || is_called from ${sequence}`,
    );
  }
  content['large objects'] = await sql(
    database,
    `select string_agg(oid || '=' || md5(lo_get(oid)), ',' order by oid) from pg_largeobject_metadata`,
  );
  content.views = await sql(
    database,
    `select string_agg(schemaname || '.' || viewname, ',' order by schemaname, viewname) from pg_views
     where schemaname not in ('pg_catalog', 'information_schema')`,
  );
  content.functions = await sql(
    database,
    `select string_agg(p.oid::regprocedure::text, ',' order by p.oid::regprocedure::text) from pg_proc p
     join pg_namespace n on n.oid = p.pronamespace
     where n.nspname not in ('pg_catalog', 'information_schema')
       and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')`,
  );
  content.triggers = await sql(
    database,
    `select string_agg(tgname, ',' order by tgname) from pg_trigger where not tgisinternal`,
  );
  return content;
}
