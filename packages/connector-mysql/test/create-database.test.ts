import { ProcessError } from '@bk/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createMysqlConnector } from '../src/index.js';
import {
  createDatabaseAndUser,
  dropDatabaseAndUser,
  HOST,
  literal,
  PORT,
  sql,
  trickyPassword,
  uniqueName,
} from './helpers/mariadb.js';

// createDatabase is what lets a restore drill target a scratch database that does not exist yet.
const cleanups: [string, string?][] = [];
afterAll(async () => {
  for (const [database, user] of cleanups) await dropDatabaseAndUser(database, user);
});

const exists = async (name: string) =>
  (
    await sql(`SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ${literal(name)}`)
  )[0]?.[0] === '1';

describe('createDatabase', () => {
  it('creates a missing database once, then leaves it (and its data) alone', async () => {
    // A name that needs quoting: it is quoted, never injected.
    const name = `${uniqueName()}-new'x`;
    cleanups.push([name]);
    const connector = createMysqlConnector(`mysql://root@${HOST}:${PORT}/${encodeURIComponent(name)}`);
    expect(await exists(name)).toBe(false);
    expect(await connector.createDatabase()).toBe(true);
    expect(await exists(name)).toBe(true);
    await connector.check();
    await sql('CREATE TABLE t (x int); INSERT INTO t VALUES (1), (2);', { database: name });
    expect(await connector.createDatabase()).toBe(false);
    expect(await sql('SELECT COUNT(*) FROM t', { database: name })).toEqual([['2']]);
  });

  it('a user without the CREATE privilege gets the client’s error with a hint, and nothing is created', async () => {
    const password = trickyPassword();
    const { database, user } = await createDatabaseAndUser(password);
    cleanups.push([database, user]);
    const missing = uniqueName();
    cleanups.push([missing]);
    const connector = createMysqlConnector({
      host: HOST,
      port: PORT,
      user,
      password,
      database: missing,
    });
    const error = await connector.createDatabase().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProcessError);
    expect((error as ProcessError).message).toMatch(
      /mariadb exited 1: .*ERROR 1044 .*Access denied .*to database '\w+'/,
    );
    expect((error as ProcessError).hint).toMatch(/grant the user/);
    expect((error as ProcessError).message).not.toContain(password);
    expect(await exists(missing)).toBe(false);
    // The user's own database exists and is visible to it: nothing to create, no privilege needed.
    const own = createMysqlConnector({ host: HOST, port: PORT, user, password, database });
    expect(await own.createDatabase()).toBe(false);
  });
});
