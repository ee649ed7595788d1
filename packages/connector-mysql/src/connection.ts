import { assertUrlCredentialsEncoded, ConfigError, redactUrl } from '@bk/core';
import type { MysqlConnection, MysqlConnectorOptions, MysqlSslMode } from './types.js';

const SSL_MODES: readonly MysqlSslMode[] = [
  'DISABLED',
  'PREFERRED',
  'REQUIRED',
  'VERIFY_CA',
  'VERIFY_IDENTITY',
];

function decode(value: string, key: string): string {
  try {
    return decodeURIComponent(value);
  } catch (error) {
    throw new ConfigError(`the ${key} in the MySQL URL is not valid percent-encoding`, { key, cause: error });
  }
}

function parseSslMode(value: string, key: string): MysqlSslMode {
  const mode = value.toUpperCase().replaceAll('-', '_') as MysqlSslMode;
  if (!SSL_MODES.includes(mode)) {
    throw new ConfigError(`${key} must be one of ${SSL_MODES.join(', ')}, got "${value}"`, { key });
  }
  return mode;
}

function parseProtocol(value: string, key: string): 'TCP' | 'SOCKET' {
  const protocol = value.toUpperCase();
  if (protocol !== 'TCP' && protocol !== 'SOCKET') {
    throw new ConfigError(`${key} must be TCP or SOCKET, got "${value}"`, { key });
  }
  return protocol;
}

function parsePort(value: string | number, key: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(`${key} must be a port number (1-65535), got "${value}"`, { key });
  }
  return port;
}

/**
 * Parses `mysql://user:pass@host:port/database?socket=/path&ssl-mode=REQUIRED` (or `mariadb://`).
 * The password and database are percent-decoded. Query parameters: `socket`, `protocol`,
 * `ssl-mode`, `ssl-ca`, `ssl-cert`, `ssl-key` (underscores work too). `mysql://user@/db?socket=...`
 * (no host) is read as host `localhost`. Throws `ConfigError` for anything else.
 */
export function parseMysqlUrl(url: string): MysqlConnection {
  const match = /^(mysql|mariadb):\/\//i.exec(url);
  if (!match) {
    throw new ConfigError(`not a MySQL URL: ${redactUrl(url)} (expected mysql:// or mariadb://)`, {
      key: 'url',
    });
  }
  assertUrlCredentialsEncoded(url, 'url');
  let parsed: URL;
  try {
    // `mysql://user@/db?socket=...` has no host, which WHATWG URL rejects: read it as localhost.
    parsed = new URL(url.replace(/^([a-z]+:\/\/[^/?#]*@)(?=[/?#]|$)/i, '$1localhost'));
  } catch (error) {
    throw new ConfigError(`invalid MySQL URL: ${redactUrl(url)}`, { key: 'url', cause: error });
  }
  const connection: MysqlConnection = {
    scheme: match[1]!.toLowerCase() as 'mysql' | 'mariadb',
    host: parsed.hostname ? parsed.hostname.replace(/^\[(.*)\]$/, '$1') : undefined,
    port: parsed.port ? parsePort(parsed.port, 'url port') : undefined,
    socket: undefined,
    protocol: undefined,
    user: parsed.username ? decode(parsed.username, 'user') : undefined,
    password: parsed.password ? decode(parsed.password, 'password') : undefined,
    database: parsed.pathname.length > 1 ? decode(parsed.pathname.slice(1), 'database') : undefined,
    tls: {},
  };
  for (const [rawKey, value] of parsed.searchParams) {
    const key = rawKey.toLowerCase().replaceAll('_', '-');
    switch (key) {
      case 'socket':
        connection.socket = value;
        break;
      case 'protocol':
        connection.protocol = parseProtocol(value, rawKey);
        break;
      case 'ssl-mode':
      case 'sslmode':
        connection.tls.mode = parseSslMode(value, rawKey);
        break;
      case 'ssl-ca':
        connection.tls.ca = value;
        break;
      case 'ssl-cert':
        connection.tls.cert = value;
        break;
      case 'ssl-key':
        connection.tls.key = value;
        break;
      default:
        throw new ConfigError(
          `unknown MySQL URL parameter "${rawKey}" (known: socket, protocol, ssl-mode, ssl-ca, ssl-cert, ssl-key)`,
          { key: 'url' },
        );
    }
  }
  return connection;
}

/**
 * Resolves a URL or an options object (whose fields override its optional `url`) into one
 * {@link MysqlConnection}. Throws `ConfigError` when the database is missing.
 */
export function resolveMysqlOptions(input: string | MysqlConnectorOptions): MysqlConnection {
  const options: MysqlConnectorOptions = typeof input === 'string' ? { url: input } : input;
  const base: MysqlConnection = options.url
    ? parseMysqlUrl(options.url)
    : {
        scheme: 'mysql',
        host: undefined,
        port: undefined,
        socket: undefined,
        protocol: undefined,
        user: undefined,
        password: undefined,
        database: undefined,
        tls: {},
      };
  const connection: MysqlConnection = {
    scheme: base.scheme,
    host: options.host ?? base.host,
    port: options.port !== undefined ? parsePort(options.port, 'port') : base.port,
    socket: options.socket ?? base.socket,
    protocol: options.protocol !== undefined ? parseProtocol(options.protocol, 'protocol') : base.protocol,
    user: options.user ?? base.user,
    password: options.password ?? base.password,
    database: options.database ?? base.database,
    tls: {
      ...base.tls,
      ...Object.fromEntries(Object.entries(options.tls ?? {}).filter(([, value]) => value !== undefined)),
    },
  };
  if (connection.tls.mode !== undefined) connection.tls.mode = parseSslMode(connection.tls.mode, 'tls.mode');
  if (!connection.database) {
    throw new ConfigError(
      'no MySQL database given: put it in the URL path (mysql://host/app) or set database',
      {
        key: 'database',
        hint: 'add the database name, for example mysql://app@127.0.0.1:3306/app',
      },
    );
  }
  return connection;
}

/** The connection as a URL for messages and manifests, with the password shown as `***`. */
export function connectionTarget(connection: MysqlConnection): string {
  const user = connection.user ? encodeURIComponent(connection.user) : '';
  const auth = user || connection.password ? `${user}${connection.password ? ':***' : ''}@` : '';
  const host = connection.host?.includes(':') ? `[${connection.host}]` : (connection.host ?? 'localhost');
  const port = connection.port !== undefined ? `:${connection.port}` : '';
  const query = connection.socket ? `?socket=${connection.socket}` : '';
  return `${connection.scheme}://${auth}${host}${port}/${encodeURIComponent(connection.database ?? '')}${query}`;
}
