import { connectorTestSuite } from '@bk/connector-test-suite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPgConnector } from '../src/index.js';
import { createDatabase, createRole, dropDatabase, dropRole, sql, uniqueName } from './pg-helpers.js';

// Characters that need escaping in a URL (@ / % :) and in a .pgpass line (: \).
const PASSWORD = 'p@ss:w0rd/\\%é!';

async function tablesOf(database: string, user: string): Promise<string[]> {
  const out = await sql(
    database,
    "select tablename from pg_tables where schemaname = 'public' order by 1",
    user,
  );
  return out.split('\n').filter(Boolean);
}

connectorTestSuite(
  { describe, it, expect, beforeEach, afterEach },
  {
    async create({ large, excludeTables }) {
      const role = await createRole(PASSWORD);
      const database = await createDatabase(role);
      await sql(
        database,
        `create table users (id int primary key, name text not null, email text);
         insert into users values (1, 'ada', 'ada@example.com'), (2, 'bob', null), (3, 'zoë', 'z@example.com');
         create table notes (id serial primary key, user_id int references users, body text);
         insert into notes (user_id, body) values (1, 'hello'), (2, 'world');
         create table audit_log (id serial primary key, event text);
         insert into audit_log (event) values ('login'), ('logout');
         ${
           large
             ? `create table big (id int primary key, a text, b text, c text);
                insert into big select g, md5(g::text), md5((g * 7)::text), md5((g * 13)::text)
                from generate_series(1, 120000) g;`
             : ''
         }`,
        role,
      );
      const url = `postgres://${role}:${encodeURIComponent(PASSWORD)}@127.0.0.1:5432/${database}`;
      return {
        connector: createPgConnector(url, { excludeTables: excludeTables ?? [] }),
        password: PASSWORD,
        // The same database with localhost for 127.0.0.1 and the default port left out.
        otherSpelling: () =>
          createPgConnector(`postgres://${role}:${encodeURIComponent(PASSWORD)}@localhost/${database}`),
        expectedRowCounts: {
          'public.users': 3,
          'public.notes': 2,
          'public.audit_log': 2,
          ...(large ? { 'public.big': 120000 } : {}),
        },
        async snapshot() {
          const snapshot: Record<string, unknown> = {};
          for (const table of await tablesOf(database, role)) {
            snapshot[table] = await sql(
              database,
              `select count(*) || ':' || coalesce(md5(string_agg(t::text, ',' order by t::text)), '') from "${table}" t`,
              role,
            );
          }
          return snapshot;
        },
        async mutate() {
          await sql(
            database,
            `update users set name = name || '!' where id = 1; delete from notes where id = 2;
             insert into users values (4, 'eve', null); insert into audit_log (event) values ('mutated');
             ${large ? 'delete from big where id % 10 = 0;' : ''}`,
            role,
          );
        },
        async clear() {
          const tables = await tablesOf(database, role);
          await sql(database, `drop table ${tables.map((table) => `"${table}"`).join(', ')} cascade`, role);
        },
        async cleanup() {
          await dropDatabase(database);
          await dropRole(role);
        },
      };
    },
    missingDatabase() {
      return createPgConnector(`postgres://postgres@127.0.0.1:5432/${uniqueName('bk_pg_missing')}`);
    },
    badCredentials() {
      return createPgConnector(
        `postgres://${uniqueName('bk_pg_nobody')}:not-the-password@127.0.0.1:5432/postgres`,
      );
    },
  },
  {
    name: 'PgConnector conformance',
    programs: ['pg_dump', 'pg_restore', 'psql'],
    capabilities: {
      atomicRestore: true,
      excludeTables: true,
      selectiveRestore: true,
      rowCounts: true,
      sizeEstimate: true,
    },
    excludableTable: 'audit_log',
    identity: true,
  },
);
