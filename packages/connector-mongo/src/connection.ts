import { assertUrlCredentialsEncoded, ConfigError } from '@bk/core';
import type { MongoConnectorOptions } from './types.js';

/** Where and how to connect, resolved from a URL and/or options. */
export interface MongoConnection {
  /** The connection string for the `--config` file: credentials included, no database path. */
  uri: string;
  /** The same string with the password masked, plus the database path: for messages. */
  target: string;
  /** Database to dump and restore into, if one was given. */
  database: string | undefined;
  /** Read preference for dumps, lifted from the URL when it carried one. */
  readPreference: string | undefined;
  /** The password, if any. */
  password: string | undefined;
}

interface ParsedUrl {
  scheme: 'mongodb' | 'mongodb+srv';
  user: string | undefined;
  password: string | undefined;
  hosts: string;
  database: string | undefined;
  params: URLSearchParams;
}

function decode(value: string, key: string): string {
  try {
    return decodeURIComponent(value);
  } catch (error) {
    throw new ConfigError('the MongoDB URL has a badly percent-encoded part', { key, cause: error });
  }
}

/** Splits a `mongodb://` or `mongodb+srv://` URL (several hosts allowed, which `URL` rejects). */
export function parseMongoUrl(url: string, key = 'url'): ParsedUrl {
  const match = /^(mongodb(?:\+srv)?):\/\/(.*)$/i.exec(url.trim());
  if (!match) {
    throw new ConfigError('a MongoDB URL must start with mongodb:// or mongodb+srv://', {
      key,
      hint: 'use a URL such as mongodb://user:password@host:27017/database',
    });
  }
  assertUrlCredentialsEncoded(url, key);
  const scheme = match[1]!.toLowerCase() as ParsedUrl['scheme'];
  let rest = match[2]!;
  let user: string | undefined;
  let password: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = userinfo.indexOf(':');
    user = decode(colon >= 0 ? userinfo.slice(0, colon) : userinfo, key);
    password = colon >= 0 ? decode(userinfo.slice(colon + 1), key) : undefined;
  }
  const end = rest.search(/[/?]/);
  const hosts = end >= 0 ? rest.slice(0, end) : rest;
  const tail = end >= 0 ? rest.slice(end) : '';
  const question = tail.indexOf('?');
  const path = (question >= 0 ? tail.slice(0, question) : tail).replace(/^\//, '');
  const params = new URLSearchParams(question >= 0 ? tail.slice(question + 1) : '');
  if (!hosts) throw new ConfigError('the MongoDB URL has no host', { key });
  return {
    scheme,
    user: user || undefined,
    password,
    hosts,
    database: path ? decode(path, key) : undefined,
    params,
  };
}

function withPort(hosts: string, port: number | undefined): string {
  if (port === undefined) return hosts;
  return hosts
    .split(',')
    .map((host) => (/:\d+$/.test(host) ? host : `${host}:${port}`))
    .join(',');
}

/**
 * Resolves the connection: fields of `options` override the parts of `options.url`. The resulting
 * URI always names `authSource` when there is a user, because the database tools would otherwise
 * authenticate against the `--db` database rather than the URL's.
 */
export function resolveConnection(options: MongoConnectorOptions): MongoConnection {
  const parsed = options.url !== undefined ? parseMongoUrl(options.url) : undefined;
  const scheme = parsed?.scheme ?? 'mongodb';
  const params = new URLSearchParams(parsed?.params);
  const user = options.user ?? parsed?.user;
  const password = options.password ?? parsed?.password;
  const database = options.database ?? parsed?.database;
  if (database !== undefined && !/^[^/\\. "$*<>:|?\0]{1,63}$/.test(database)) {
    throw new ConfigError(`"${database}" is not a valid MongoDB database name`, { key: 'database' });
  }
  let hosts = options.host ?? parsed?.hosts ?? 'localhost';
  if (scheme === 'mongodb') hosts = withPort(hosts, options.port ?? (parsed ? undefined : 27017));

  const readPreference = options.readPreference ?? params.get('readPreference') ?? undefined;
  params.delete('readPreference');
  if (user !== undefined) {
    params.set('authSource', options.authSource ?? params.get('authSource') ?? parsed?.database ?? 'admin');
  } else if (options.authSource !== undefined) {
    params.set('authSource', options.authSource);
  }
  if (options.tls !== undefined) {
    params.delete('ssl');
    params.set('tls', String(options.tls));
  }
  if (options.replicaSet !== undefined) params.set('replicaSet', options.replicaSet);

  const query = params.toString();
  const suffix = query ? `?${query}` : '';
  const credentials =
    user === undefined
      ? ''
      : `${encodeURIComponent(user)}${password === undefined ? '' : `:${encodeURIComponent(password)}`}@`;
  const shown =
    user === undefined ? '' : `${encodeURIComponent(user)}${password === undefined ? '' : ':***'}@`;
  const visibleParams = new URLSearchParams(params);
  for (const name of [...visibleParams.keys()]) {
    if (/pass|secret|token|key/i.test(name)) visibleParams.set(name, '***');
  }
  const visibleQuery = visibleParams.toString();
  return {
    uri: `${scheme}://${credentials}${hosts}/${suffix}`,
    target: `${scheme}://${shown}${hosts}/${database ?? ''}${visibleQuery ? `?${visibleQuery}` : ''}`,
    database,
    readPreference,
    password: password === '' ? undefined : password,
  };
}
