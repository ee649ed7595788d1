import { ProcessError } from '@bk/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createPgConnector } from '../src/index.js';
import { createDatabase, createRole, dropDatabase, dropRole, sql, uniqueName } from './pg-helpers.js';

// createDatabase is what lets a restore drill target a scratch database that does not exist yet.
const databases: string[] = [];
const roles: string[] = [];
afterAll(async () => {
  for (const name of databases) await dropDatabase(name);
  for (const name of roles) await dropRole(name);
});

const exists = async (name: string) =>
  (await sql('postgres', `select count(*) from pg_database where datname = '${name}'`)) === '1';

describe('createDatabase', () => {
  it('creates a missing database once, then leaves it (and its data) alone', async () => {
    // Mixed case and a quote: the name is quoted, never folded or injected.
    const name = `${uniqueName('bk_pg_New')}"x`;
    databases.push(name);
    const connector = createPgConnector(`postgres://postgres@127.0.0.1:5432/${encodeURIComponent(name)}`);
    expect(await exists(name)).toBe(false);
    expect(await connector.createDatabase()).toBe(true);
    expect(await exists(name)).toBe(true);
    await connector.check();

    const existing = await createDatabase();
    databases.push(existing);
    await sql(existing, 'create table t (x int); insert into t values (1), (2);');
    const again = createPgConnector(`postgres://postgres@127.0.0.1:5432/${existing}`);
    expect(await again.createDatabase()).toBe(false);
    expect(await sql(existing, 'select count(*) from t')).toBe('2');
  });

  it('a role without CREATEDB gets psql’s error with a hint, and nothing is created', async () => {
    const password = 'create-db pw';
    const role = await createRole(password, 'nocreatedb');
    roles.push(role);
    const name = uniqueName('bk_pg_denied');
    databases.push(name);
    const connector = createPgConnector(
      `postgres://${role}:${encodeURIComponent(password)}@127.0.0.1:5432/${name}`,
    );
    const error = await connector.createDatabase().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProcessError);
    expect((error as ProcessError).message).toMatch(/psql exited 1: .*permission denied to create database/);
    expect((error as ProcessError).hint).toMatch(/grant CREATEDB/);
    expect((error as ProcessError).message).not.toContain(password);
    expect(await exists(name)).toBe(false);
  });
});
