import { assertUrlCredentialsEncoded, ConfigError } from '@bk/core';
import type { PgConnectionOptions } from './options.js';

/** A resolved PostgreSQL connection: libpq keywords (no secrets) plus the password apart. */
export interface PgConnection {
  /** libpq connection keywords (`host`, `port`, `user`, `dbname`, `sslmode`, `service`...), never `password`. */
  params: Readonly<Record<string, string>>;
  /** The password, kept apart so it only ever reaches a 0600 PGPASSFILE. */
  password: string | undefined;
}

const SCHEMES = /^(postgres|postgresql):\/\//i;
const REFUSED = new Set(['sslpassword']);

function decode(part: string, key: string): string {
  try {
    return decodeURIComponent(part);
  } catch (error) {
    throw new ConfigError(`invalid percent-encoding in the PostgreSQL URL (${part})`, { key, cause: error });
  }
}

function splitHosts(spec: string, key: string): { hosts: string[]; ports: string[] } {
  const hosts: string[] = [];
  const ports: string[] = [];
  for (const item of spec.split(',')) {
    const match = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(item);
    if (!match) throw new ConfigError(`invalid host in the PostgreSQL URL (${item})`, { key });
    const host = match[1] ?? '';
    hosts.push(decode(host.startsWith('[') ? host.slice(1, -1) : host, key));
    ports.push(match[2] ?? '');
  }
  return { hosts, ports };
}

/**
 * Parses a `postgres://` / `postgresql://` URL the way libpq does: user and password are
 * percent-decoded, several `host:port` pairs may be comma-separated, a unix-socket directory can be
 * given as a percent-encoded host or as `?host=/var/run/postgresql`, and every query parameter is a
 * libpq keyword (`sslmode`, `service`, `application_name`...). `+` is not a space, as in libpq.
 */
export function parsePgUrl(url: string, key = 'url'): PgConnection {
  if (!SCHEMES.test(url)) {
    throw new ConfigError('a PostgreSQL URL must start with postgres:// or postgresql://', {
      key,
      hint: 'use postgres://user:password@host:5432/database',
    });
  }
  assertUrlCredentialsEncoded(url, key);
  const rest = url.replace(SCHEMES, '');
  const match = /^(?:([^@/?#]*)@)?([^/?#]*)(?:\/([^?#]*))?(?:\?([^#]*))?(?:#.*)?$/.exec(rest);
  if (!match) throw new ConfigError('the PostgreSQL URL cannot be parsed', { key });
  const [, userinfo, hostspec, path, query] = match;
  const params: Record<string, string> = {};
  let password: string | undefined;
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    const user = colon === -1 ? userinfo : userinfo.slice(0, colon);
    if (user) params.user = decode(user, key);
    if (colon !== -1) password = decode(userinfo.slice(colon + 1), key);
  }
  if (hostspec) {
    const { hosts, ports } = splitHosts(hostspec, key);
    if (hosts.some(Boolean)) params.host = hosts.join(',');
    if (ports.some(Boolean)) params.port = ports.join(',');
  }
  if (path) params.dbname = decode(path, key);
  for (const pair of (query ?? '').split('&')) {
    if (!pair) continue;
    const equals = pair.indexOf('=');
    const name = decode(equals === -1 ? pair : pair.slice(0, equals), key);
    const value = decode(equals === -1 ? '' : pair.slice(equals + 1), key);
    if (name === 'password') password = value;
    else if (name === 'ssl' && value === 'true') params.sslmode = 'require';
    else params[name] = value;
  }
  return { params, password };
}

/** Merges a URL and explicit options into one connection; explicit options win. */
export function resolvePgConnection(options: PgConnectionOptions): PgConnection {
  const base = options.url ? parsePgUrl(options.url) : { params: {}, password: undefined };
  const params: Record<string, string> = { ...base.params, ...options.params };
  const set = (name: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') params[name] = String(value);
  };
  set('host', options.host);
  set('port', options.port);
  set('user', options.user);
  set('dbname', options.database);
  set('sslmode', options.sslmode);
  set('service', options.service);
  let password = options.password ?? base.password;
  if (params.password !== undefined) {
    password ??= params.password;
    delete params.password;
  }
  for (const name of Object.keys(params)) {
    if (REFUSED.has(name)) {
      throw new ConfigError(`the libpq parameter ${name} is not supported: it would appear in argv`, {
        key: options.url ? 'url' : `params.${name}`,
        hint: 'use an unencrypted client key readable only by this user, or a libpq service file',
      });
    }
  }
  if (password === '') password = undefined;
  return { params, password };
}

function quoteConninfo(value: string): string {
  return /^[^\s'\\]+$/.test(value) ? value : `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/**
 * Builds the libpq connection string passed as `--dbname` (`host=... port=... dbname=...`). It holds
 * every parameter except the password, so explicit settings beat a service file as they do in a URL.
 */
export function toConninfo(params: Readonly<Record<string, string>>): string {
  return Object.entries(params)
    .map(([name, value]) => `${name}=${quoteConninfo(value)}`)
    .join(' ');
}

/** Formats a connection as a URL for messages, the password shown as `***`. */
export function formatPgTarget(connection: PgConnection): string {
  const { host, port, user, dbname, ...others } = connection.params;
  const enc = encodeURIComponent;
  const socket = host?.startsWith('/');
  const userinfo = user ? `${enc(user)}${connection.password ? ':***' : ''}@` : '';
  let hostpart = '';
  if (host && !socket) {
    const hosts = host.split(',');
    const ports = (port ?? '').split(',');
    hostpart = hosts
      .map((name, index) => {
        const shown = name.includes(':') ? `[${name}]` : enc(name);
        const hostPort = ports[index] ?? (ports.length === 1 ? ports[0] : '');
        return hostPort ? `${shown}:${hostPort}` : shown;
      })
      .join(',');
  } else if (port && !socket) {
    hostpart = `:${port}`;
  }
  const query = new URLSearchParams();
  if (socket) query.set('host', host as string);
  if (socket && port) query.set('port', port);
  for (const [name, value] of Object.entries(others)) query.set(name, value);
  const search = query.size ? `?${query.toString().replaceAll('%2F', '/')}` : '';
  return `postgres://${userinfo}${hostpart}/${dbname ? enc(dbname) : ''}${search}`;
}
