import { BinaryNotFoundError, ProcessError } from '@bk/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPgConnector,
  detectVersionMismatch,
  PgVersionMismatchError,
  pgMajorVersion,
} from '../src/index.js';
import { startFakePostgres } from './fake-server.js';

let fake: Awaited<ReturnType<typeof startFakePostgres>>;

beforeAll(async () => {
  fake = await startFakePostgres('17.2 (bk fake server)');
});

afterAll(async () => {
  await fake.close();
});

function fakeConnector() {
  return createPgConnector({
    host: '127.0.0.1',
    port: fake.port,
    user: 'postgres',
    database: 'app',
    sslmode: 'disable',
    params: { gssencmode: 'disable' },
  });
}

describe('pg_dump older than the server', () => {
  it('detects the real pg_dump message and throws a PgVersionMismatchError naming both versions', async () => {
    const handle = fakeConnector().dump();
    handle.stream.resume();
    const error = (await handle.done.catch((caught: unknown) => caught)) as PgVersionMismatchError;
    expect(error).toBeInstanceOf(PgVersionMismatchError);
    expect(error).toBeInstanceOf(ProcessError);
    expect(error.code).toBe('BK_PG_VERSION_MISMATCH');
    expect(error.category).toBe('config');
    expect(error.exitCode).toBe(1);
    expect(error.serverVersion).toBe('17.2 (bk fake server)');
    expect(error.toolVersion).toMatch(/^15\.\d+/);
    expect(error.message).toMatch(
      /^pg_dump 15\.\d+.* cannot dump PostgreSQL server 17\.2 \(bk fake server\): server version mismatch, pg_dump must be at least version 17 \(dump of postgres:\/\/postgres@127\.0\.0\.1:\d+\/app\?gssencmode=disable&sslmode=disable\)$/,
    );
    expect(error.hint).toContain('install postgresql-client-17');
    expect(error.hint).toContain('PGDG');
    expect(error.stderrTail).toContain('aborting because of server version mismatch');
    // The detection function on the text pg_dump really printed:
    expect(detectVersionMismatch(error.stderrTail)).toEqual({
      serverVersion: '17.2 (bk fake server)',
      toolVersion: error.toolVersion,
      serverMajor: 17,
    });
  });

  it('describe() warns before a dump is attempted', async () => {
    const description = await fakeConnector().describe();
    expect(description.serverVersion).toBe('17.2 (bk fake server)');
    expect(description.serverMajor).toBe(17);
    expect(description.toolMajor).toBe(15);
    expect(description.versionWarning).toMatch(/older than the server .* install postgresql-client-17$/);
  });

  it('parses the older two-error form and leaves other text alone', () => {
    expect(
      detectVersionMismatch(
        'pg_dump: error: server version: 16.1; pg_dump version: 14.10\npg_dump: error: aborting because of server version mismatch\n',
      ),
    ).toEqual({ serverVersion: '16.1', toolVersion: '14.10', serverMajor: 16 });
    expect(detectVersionMismatch('pg_dump: error: connection to server failed')).toBeUndefined();
    expect(pgMajorVersion('9.6.24')).toBe(9.6);
    expect(pgMajorVersion('15.20 (Debian 15.20-0+deb12u1)')).toBe(15);
  });
});

describe('PgConnector errors', () => {
  it('check() on a missing database: ProcessError with psql exit code, stderr tail and target', async () => {
    const connector = createPgConnector('postgres://postgres@127.0.0.1:5432/bk_pg_no_such_db');
    const error = (await connector.check().catch((caught: unknown) => caught)) as ProcessError;
    expect(error).toBeInstanceOf(ProcessError);
    expect(error.exitCode).toBe(2);
    expect(error.stderrTail).toContain('database "bk_pg_no_such_db" does not exist');
    expect(error.message).toMatch(
      /^psql exited 2: .*FATAL: {1,2}database "bk_pg_no_such_db" does not exist \(postgres:\/\/postgres@127\.0\.0\.1:5432\/bk_pg_no_such_db\)$/,
    );
  });

  it('a dump of a missing database rejects done with pg_dump exit code and stderr', async () => {
    const handle = createPgConnector('postgres://postgres@127.0.0.1:5432/bk_pg_no_such_db').dump();
    handle.stream.resume();
    const error = (await handle.done.catch((caught: unknown) => caught)) as ProcessError;
    expect(error).toBeInstanceOf(ProcessError);
    expect(error.message).toMatch(
      /^pg_dump exited 1: .*does not exist \(dump of postgres:\/\/.*bk_pg_no_such_db\)$/,
    );
  });

  it('a missing binary is a BinaryNotFoundError with an install hint', async () => {
    const connector = createPgConnector('postgres://postgres@127.0.0.1/postgres', {
      binaries: { psql: '/nonexistent/psql' },
    });
    const error = (await connector.check().catch((caught: unknown) => caught)) as BinaryNotFoundError;
    expect(error).toBeInstanceOf(BinaryNotFoundError);
    expect(error.hint).toContain('postgresql-client');
  });
});
