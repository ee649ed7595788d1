import { afterAll, beforeAll } from 'vitest';
import { describeFaultMatrix } from './fault-harness.js';
import { psql, uniqueName } from './helpers.js';

const database = uniqueName('bk_fault_pg');

beforeAll(async () => {
  await psql('postgres', `CREATE DATABASE ${database}`);
  await psql(
    database,
    `CREATE TABLE items (id serial PRIMARY KEY, body text);
     INSERT INTO items (body) SELECT md5(random()::text) || md5(random()::text) FROM generate_series(1, 3000);`,
  );
});
afterAll(async () => {
  await psql('postgres', `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
});

describeFaultMatrix('PostgreSQL', () => ({
  url: `postgres://postgres@127.0.0.1:5432/${database}`,
  dumpTool: /pg_dump/,
}));
