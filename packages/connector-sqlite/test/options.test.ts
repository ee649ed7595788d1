import { join } from 'node:path';
import { ConfigError } from '@bk/core';
import { describe, expect, it } from 'vitest';
import { createSqliteConnector, parseSqliteUrl } from '../src/index.js';

describe('sqlite URL and options', () => {
  it.each([
    ['sqlite:data/app.db', 'data/app.db'],
    ['sqlite:./app.db', './app.db'],
    ['sqlite:/srv/app.db', '/srv/app.db'],
    ['sqlite:///srv/app.db', '/srv/app.db'],
    ['sqlite://localhost/srv/app.db', '/srv/app.db'],
    ['sqlite:my%20data%20%E6%95%B0.db', 'my data 数.db'],
    ['SQLITE3:app.db?mode=ro', 'app.db'],
  ])('%s → %s', (url, path) => {
    expect(parseSqliteUrl(url)).toBe(path);
  });

  it.each([
    'postgres://x/y',
    'sqlite:',
    'sqlite::memory:',
    'sqlite://db.example.com/app.db',
    'sqlite:%E0%A4%A',
  ])('rejects %s with a ConfigError', (url) => {
    expect(() => parseSqliteUrl(url)).toThrow(ConfigError);
  });

  it('resolves relative paths against the working directory and applies defaults', () => {
    const connector = createSqliteConnector('sqlite:data/app.db');
    expect(connector.options).toEqual({
      path: join(process.cwd(), 'data/app.db'),
      binary: 'sqlite3',
      busyTimeoutMs: 10_000,
      integrityCheck: 'quick',
    });
    expect(createSqliteConnector({ path: 'a.db', integrityCheck: 'full' }).options.integrityCheck).toBe(
      'full',
    );
    expect(connector.target).toBe(`sqlite:${join(process.cwd(), 'data/app.db')}`);
    expect(connector.extension).toBe('sqlite.sql');
    expect(createSqliteConnector({ url: 'sqlite:a.db', path: '/b.db' }).options.path).toBe('/b.db');
  });

  it('rejects missing paths and bad timeouts', () => {
    expect(() => createSqliteConnector({})).toThrow(/needs a path/);
    expect(() => createSqliteConnector({ path: 'a.db', busyTimeoutMs: -1 })).toThrow(ConfigError);
  });
});
