import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@bk/core';
import { describe, expect, it } from 'vitest';
import {
  createPgConnector,
  escapePgpassField,
  formatPgTarget,
  parsePgUrl,
  resolvePgConnection,
  toConninfo,
} from '../src/index.js';

describe('parsePgUrl', () => {
  it('maps every URL part to a libpq keyword, password apart and percent-decoded', () => {
    expect(
      parsePgUrl('postgresql://app:p%40ss%3Aw%2Frd@db.example.com:6543/my%20db?sslmode=verify-full'),
    ).toEqual({
      params: { user: 'app', host: 'db.example.com', port: '6543', dbname: 'my db', sslmode: 'verify-full' },
      password: 'p@ss:w/rd',
    });
  });

  it('reads unix sockets, services, several hosts, IPv6 and libpq query parameters', () => {
    expect(parsePgUrl('postgres:///app?host=/var/run/postgresql').params).toEqual({
      dbname: 'app',
      host: '/var/run/postgresql',
    });
    expect(parsePgUrl('postgres://%2Fvar%2Frun%2Fpostgresql/app').params.host).toBe('/var/run/postgresql');
    expect(parsePgUrl('postgres:///?service=reporting')).toEqual({
      params: { service: 'reporting' },
      password: undefined,
    });
    expect(parsePgUrl('postgres://a:5432,b:5433/app?target_session_attrs=read-write').params).toEqual({
      host: 'a,b',
      port: '5432,5433',
      dbname: 'app',
      target_session_attrs: 'read-write',
    });
    expect(parsePgUrl('postgres://[::1]:5433/app').params).toMatchObject({ host: '::1', port: '5433' });
    expect(parsePgUrl('postgres://u@h/d?application_name=a+b&ssl=true&password=pw').params).toEqual({
      user: 'u',
      host: 'h',
      dbname: 'd',
      application_name: 'a+b',
      sslmode: 'require',
    });
    expect(parsePgUrl('postgres://u@h/d?password=from%20query').password).toBe('from query');
  });

  it('rejects other schemes and bad encodings with a ConfigError', () => {
    expect(() => parsePgUrl('mysql://root@localhost/app')).toThrow(ConfigError);
    expect(() => parsePgUrl('postgres://u:%zz@h/d')).toThrow(
      /cannot be read safely: it has a % that is not followed/,
    );
    expect(() => resolvePgConnection({ url: 'postgres://h/d?sslpassword=x' })).toThrow(/sslpassword/);
  });
});

describe('resolvePgConnection and formatting', () => {
  it('lets options override the URL', () => {
    const connection = resolvePgConnection({
      url: 'postgres://app:old@h1:5432/app',
      host: 'h2',
      port: 6000,
      password: 'new',
      database: 'other',
      sslmode: 'disable',
      params: { connect_timeout: '5' },
    });
    expect(connection).toEqual({
      params: {
        user: 'app',
        host: 'h2',
        port: '6000',
        dbname: 'other',
        sslmode: 'disable',
        connect_timeout: '5',
      },
      password: 'new',
    });
  });

  it('builds a libpq connection string without the password, quoting where needed', () => {
    expect(toConninfo({ host: '127.0.0.1', dbname: "it's a \\ db", user: 'app' })).toBe(
      "host=127.0.0.1 dbname='it\\'s a \\\\ db' user=app",
    );
  });

  it('shows the target as a URL with the password masked', () => {
    expect(createPgConnector('postgres://app:s3cret@db:5432/app?sslmode=require').target).toBe(
      'postgres://app:***@db:5432/app?sslmode=require',
    );
    expect(createPgConnector({ host: '/var/run/postgresql', user: 'postgres', database: 'x' }).target).toBe(
      'postgres://postgres@/x?host=/var/run/postgresql',
    );
    const connector = createPgConnector({ user: 'a', password: 'hunter22', host: 'h' });
    expect(connector.secrets).toEqual(['hunter22']);
    expect(connector.target).toBe('postgres://a:***@h/');
    expect(formatPgTarget(parsePgUrl('postgres://a:b@h1:1,h2:2,[::1]:3/d?service=s'))).toBe(
      'postgres://a:***@h1:1,h2:2,[::1]:3/d?service=s',
    );
  });

  it('escapes : and \\ in a .pgpass field', () => {
    expect(escapePgpassField('a:b\\c')).toBe('a\\:b\\\\c');
  });
});

describe('connecting for real', () => {
  it('through the unix socket given as ?host=', async () => {
    const connector = createPgConnector('postgres://postgres@/postgres?host=/var/run/postgresql');
    await connector.check();
    expect((await connector.describe()).database).toBe('postgres');
  });

  it('through a libpq service name (URL and options)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bk-pg-service-'));
    const serviceFile = join(dir, 'pg_service.conf');
    await writeFile(serviceFile, '[bk_pg_test]\nhost=127.0.0.1\nport=5432\nuser=postgres\ndbname=postgres\n');
    process.env.PGSERVICEFILE = serviceFile;
    try {
      await createPgConnector('postgres:///?service=bk_pg_test').check();
      const connector = createPgConnector({ service: 'bk_pg_test' });
      expect((await connector.describe()).database).toBe('postgres');
      await expect(createPgConnector('postgres:///?service=bk_pg_nope').check()).rejects.toThrow(
        /psql exited 2: .*bk_pg_nope/,
      );
    } finally {
      delete process.env.PGSERVICEFILE;
    }
  });
});
