import { Readable } from 'node:stream';
import { connectorTestSuite, dumpToBuffer } from '@bk/connector-test-suite';
import { ConfigError, ProcessError } from '@bk/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMysqlConnector, MysqlConnector } from '../src/index.js';
import { createFixture, type MysqlFixture, mysqlFactory, SEED_ROW_COUNTS } from './helpers/fixture.js';
import { HOST, listObjects, PORT, snapshotTables, sql, uniqueName } from './helpers/mariadb.js';

connectorTestSuite({ describe, it, expect, beforeEach, afterEach }, mysqlFactory, {
  name: 'mysql connector conformance (MariaDB)',
  programs: ['mariadb-dump', 'mysqldump', 'mariadb', 'mysql'],
  capabilities: {
    atomicRestore: false,
    excludeTables: true,
    selectiveRestore: false,
    rowCounts: true,
    sizeEstimate: true,
  },
  excludableTable: 'audit_log',
  identity: true,
});

describe('MysqlConnector on MariaDB', () => {
  const fixtures: MysqlFixture[] = [];
  const fixture = async (options: Parameters<typeof createFixture>[0] = { large: false }) => {
    const created = await createFixture(options);
    fixtures.push(created);
    return created;
  };
  afterEach(async () => {
    for (const created of fixtures.splice(0)) await created.cleanup();
  });

  it('round-trips blobs, emoji, JSON, NULLs, routines, triggers, events and views into a fresh database', async () => {
    const source = await fixture();
    const tables = await snapshotTables(source.database);
    const objects = await listObjects(source.database);
    expect(objects).toEqual({
      routines: ['FUNCTION double_it', 'PROCEDURE add_order'],
      triggers: ['orders_after_insert'],
      events: ['nightly_cleanup'],
      views: ['user_orders'],
    });
    expect(tables.users).toContainEqual([
      '1',
      'Ada 😀 Lovelace',
      '0x00FF10800A0D5C2700',
      expect.any(String),
      null,
    ]);

    const dump = await dumpToBuffer(source.connector);
    // Binary columns travel as hex, so the dump is plain UTF-8 text.
    expect(dump.toString('utf8')).toContain('0x00FF10800A0D5C2700');

    // Restore into a different, empty database owned by the same user.
    const target = await fixture();
    await sql(
      'SET FOREIGN_KEY_CHECKS = 0; DROP VIEW user_orders; DROP TABLE users, orders, order_totals, audit_log; DROP PROCEDURE add_order; DROP FUNCTION double_it; DROP EVENT nightly_cleanup;',
      { database: target.database, login: target.login },
    );
    expect(await listObjects(target.database)).toEqual({ routines: [], triggers: [], events: [], views: [] });
    const restoreInto = createMysqlConnector({
      url: `mysql://${encodeURIComponent(source.user)}:${encodeURIComponent(source.password)}@${HOST}:${PORT}/${target.database}`,
    });
    await sql(`GRANT ALL PRIVILEGES ON \`${target.database}\`.* TO '${source.user}'@'127.0.0.1'`);
    await restoreInto.restore(Readable.from([dump]));

    expect(await snapshotTables(target.database)).toEqual(tables);
    expect(await listObjects(target.database)).toEqual(objects);
    // The restored routines, view and trigger work.
    const [[doubled]] = (await sql('SELECT double_it(21)', { database: target.database })) as [[string]];
    expect(doubled).toBe('42');
    await sql('CALL add_order(3, 5.00)', { database: target.database, login: source.login });
    const totals = await sql('SELECT user_id, total FROM order_totals WHERE user_id = 3', {
      database: target.database,
    });
    expect(totals).toEqual([['3', '5.00']]);
    const view = await sql('SELECT COUNT(*) FROM user_orders', { database: target.database });
    expect(view).toEqual([['3']]);
  });

  it('restores over a changed database, back to the dumped state', async () => {
    const current = await fixture();
    const before = await snapshotTables(current.database);
    const dump = await dumpToBuffer(current.connector);
    await current.mutate();
    await sql('DROP TRIGGER orders_after_insert; DROP EVENT nightly_cleanup;', {
      database: current.database,
      login: current.login,
    });
    await current.connector.restore(Readable.from([dump]));
    expect(await snapshotTables(current.database)).toEqual(before);
    expect((await listObjects(current.database)).triggers).toEqual(['orders_after_insert']);
    expect((await listObjects(current.database)).events).toEqual(['nightly_cleanup']);
  });

  it('excludeTables leaves tables out of the dump and of rowCounts()', async () => {
    const current = await fixture({ large: false, excludeTables: ['audit_log', 'order_totals'] });
    const dump = (await dumpToBuffer(current.connector)).toString('utf8');
    expect(dump).toContain('CREATE TABLE `users`');
    expect(dump).not.toContain('CREATE TABLE `audit_log`');
    expect(dump).not.toContain('CREATE TABLE `order_totals`');
    expect(await current.connector.rowCounts()).toEqual({ users: 3, orders: 2 });
  });

  it('rowCounts() is exact; estimate mode reads information_schema', async () => {
    const current = await fixture();
    expect(await current.connector.rowCounts()).toEqual(SEED_ROW_COUNTS);
    const estimates = await current.connector.rowCounts({ estimate: true });
    expect(Object.keys(estimates).sort()).toEqual(Object.keys(SEED_ROW_COUNTS).sort());
    for (const value of Object.values(estimates)) expect(Number.isInteger(value)).toBe(true);
    expect(await current.connector.estimateSize()).toBeGreaterThan(0);
  });

  it('describe() names the engine from SELECT VERSION() and the dump tool from --version', async () => {
    const current = await fixture();
    const description = await current.connector.describe();
    const [[version]] = (await sql('SELECT VERSION()')) as [[string]];
    expect(description).toEqual({
      engine: 'mariadb',
      serverVersion: version,
      toolVersion: expect.stringMatching(/^(mariadb-dump|mysqldump) .*Ver .*\d/),
      database: current.database,
    });
  });

  it('check() on a missing database fails with the client error and the redacted target', async () => {
    const database = uniqueName('bk_my_missing_');
    const connector = createMysqlConnector(`mysql://root@${HOST}/${database}`);
    const error = await connector.check().catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(ProcessError);
    expect((error as ProcessError).exitCode).toBe(1);
    expect((error as Error).message).toBe(
      `mariadb exited 1: ERROR 1049 (42000): Unknown database '${database}' (mysql://root@127.0.0.1/${database})`,
    );
    expect((error as ProcessError).hint).toMatch(/create the database/);
    // Nothing was created by trying.
    expect(await sql(`SHOW DATABASES LIKE '${database}'`)).toEqual([]);
  });

  it('a dump of a missing database rejects done and ends its stream', async () => {
    const connector = createMysqlConnector(`mysql://root@${HOST}:${PORT}/${uniqueName('bk_my_missing_')}`);
    const handle = connector.dump();
    handle.stream.resume();
    const error = await handle.done.catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(ProcessError);
    expect((error as ProcessError).process).toBe('mariadb-dump');
    expect((error as Error).message).toMatch(/^mariadb-dump exited 2: .*Unknown database/);
  });

  it('a missing binary is a BinaryNotFoundError naming it', async () => {
    const connector = createMysqlConnector({
      url: `mysql://root@${HOST}/test`,
      clientBinary: 'bk-no-such-mysql-client',
    });
    await expect(connector.check()).rejects.toMatchObject({
      name: 'BinaryNotFoundError',
      binary: 'bk-no-such-mysql-client',
      category: 'config',
    });
  });

  it('rejects a URL without a database and a database name that looks like an option', () => {
    expect(() => createMysqlConnector('mysql://root@127.0.0.1:3306')).toThrow(ConfigError);
    expect(() => createMysqlConnector({ host: HOST, database: '--all-databases' })).toThrow(/must not start/);
    expect(new MysqlConnector({ host: HOST, database: 'app' }).target).toBe('mysql://127.0.0.1/app');
  });
});
