import { createSecretFile, ProcessError } from '@bk/core';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import {
  connectionTarget,
  createMysqlConnector,
  parseMysqlUrl,
  renderDefaultsFile,
  resolveMysqlOptions,
} from '../src/index.js';
import { createDatabaseAndUser, dropDatabaseAndUser, trickyPassword } from './helpers/mariadb.js';

describe('MySQL URLs and the defaults file', () => {
  it('parses user, percent-decoded password, host, port, database, socket and TLS parameters', () => {
    expect(
      parseMysqlUrl(
        'mariadb://app:p%40ss%3Aw%2Frd%23@db.internal:3307/my%20db?ssl-mode=verify_ca&ssl_ca=/ca.pem&ssl-cert=/c.pem&ssl-key=/k.pem',
      ),
    ).toEqual({
      scheme: 'mariadb',
      host: 'db.internal',
      port: 3307,
      socket: undefined,
      protocol: undefined,
      user: 'app',
      password: 'p@ss:w/rd#',
      database: 'my db',
      tls: { mode: 'VERIFY_CA', ca: '/ca.pem', cert: '/c.pem', key: '/k.pem' },
    });
    expect(parseMysqlUrl('mysql://root@/app?socket=/run/mysqld/mysqld.sock')).toMatchObject({
      host: 'localhost',
      user: 'root',
      socket: '/run/mysqld/mysqld.sock',
      database: 'app',
    });
    expect(parseMysqlUrl('mysql://[::1]:3306/app?protocol=tcp')).toMatchObject({
      host: '::1',
      protocol: 'TCP',
    });
  });

  it('rejects unknown parameters, bad ports, bad ssl modes and other schemes with a ConfigError', () => {
    expect(() => parseMysqlUrl('mysql://h/app?sslrootcert=x')).toThrow(
      /unknown MySQL URL parameter "sslrootcert"/,
    );
    expect(() => parseMysqlUrl('mysql://h/app?ssl-mode=sometimes')).toThrow(/ssl-mode must be one of/);
    expect(() => parseMysqlUrl('postgres://u:secret@h/app')).toThrow(
      /not a MySQL URL: postgres:\/\/u:\*\*\*@h\/app/,
    );
    expect(() => resolveMysqlOptions({ host: 'h', port: 70000, database: 'app' })).toThrow(/port number/);
    expect(() => resolveMysqlOptions({ host: 'h' })).toThrow(expect.objectContaining({ key: 'database' }));
  });

  it('options override the URL; the target masks the password', () => {
    const connection = resolveMysqlOptions({
      url: 'mysql://app:secret@db:3306/app',
      database: 'other',
      tls: { mode: 'REQUIRED' },
    });
    expect(connection).toMatchObject({
      user: 'app',
      password: 'secret',
      database: 'other',
      tls: { mode: 'REQUIRED' },
    });
    expect(connectionTarget(connection)).toBe('mysql://app:***@db:3306/other');
    const connector = createMysqlConnector('mariadb://app:secret@db/app?socket=/s.sock');
    expect(connector.target).toBe('mariadb://app:***@db/app?socket=/s.sock');
    expect(connector.secrets).toEqual(['secret']);
  });

  it('renders every connection option into [client]; ssl-mode is translated for MariaDB tools', () => {
    const connection = parseMysqlUrl(
      'mysql://app:pw@db:3307/app?socket=/s.sock&protocol=TCP&ssl-mode=VERIFY_IDENTITY&ssl-ca=/ca.pem&ssl-cert=/c.pem&ssl-key=/k.pem',
    );
    expect(renderDefaultsFile(connection, 'mysql')).toBe(
      '[client]\nuser="app"\npassword="pw"\nhost="db"\nport="3307"\nsocket="/s.sock"\nprotocol="TCP"\nssl-mode="VERIFY_IDENTITY"\nssl-ca="/ca.pem"\nssl-cert="/c.pem"\nssl-key="/k.pem"\n',
    );
    expect(renderDefaultsFile(connection, 'mariadb')).toBe(
      '[client]\nuser="app"\npassword="pw"\nhost="db"\nport="3307"\nsocket="/s.sock"\nprotocol="TCP"\nssl\nssl-verify-server-cert\nssl-ca="/ca.pem"\nssl-cert="/c.pem"\nssl-key="/k.pem"\n',
    );
    expect(renderDefaultsFile({ ...connection, tls: { mode: 'DISABLED' } }, 'mariadb')).toContain(
      '\nskip-ssl\n',
    );
  });

  it('a password with quotes, backslashes, #, ;, spaces and newlines survives the option-file parser', async () => {
    const password = `${trickyPassword()}\n\ttail`;
    const connection = resolveMysqlOptions({ user: 'u', password, host: 'h', database: 'app' });
    await using file = await createSecretFile(renderDefaultsFile(connection, 'mariadb'));
    const { stdout } = await execa('my_print_defaults', [`--defaults-file=${file.path}`, 'client']);
    expect(String(stdout).split('\n')).toContain(`--password=${password.split('\n')[0]}`);
    expect(String(stdout)).toContain(`--password=${password}\n--host=h`);
  });

  it('authenticates over TCP with such a password, and over the local socket', async () => {
    const password = trickyPassword();
    const { database, user } = await createDatabaseAndUser(password);
    try {
      await createMysqlConnector({ host: '127.0.0.1', port: 3306, user, password, database }).check();
      await createMysqlConnector(
        `mysql://${user}:${encodeURIComponent(password)}@127.0.0.1:3306/${database}`,
      ).check();
      await createMysqlConnector(
        `mysql://${user}:${encodeURIComponent(password)}@localhost/${database}?socket=/run/mysqld/mysqld.sock`,
      ).check();
      await createMysqlConnector(`mysql://root@/${database}?socket=/run/mysqld/mysqld.sock`).check();
    } finally {
      await dropDatabaseAndUser(database, user);
    }
  });

  it('TLS options reach the client: ssl-mode=VERIFY_IDENTITY fails against this TLS-less server, DISABLED works', async () => {
    const required = createMysqlConnector('mysql://root@127.0.0.1:3306/test?ssl-mode=VERIFY_IDENTITY');
    const error = (await required.check().catch((failure: unknown) => failure)) as ProcessError;
    expect(error).toBeInstanceOf(ProcessError);
    expect(error.stderrTail).toMatch(/ERROR 2026 .*SSL/);
    expect(error.hint).toMatch(/TLS/);
    await createMysqlConnector('mysql://root@127.0.0.1:3306/test?ssl-mode=DISABLED').check();
  });
});
