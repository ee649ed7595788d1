import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bk, tempDir, writeConfig } from './helpers.js';

// Attack class 8 of issue 13, "config strictness and error naming": a misspelled connector option
// is an error naming databases.<name>.<key> (with a suggestion), URL errors name the database,
// and an alias that cannot be a name is refused at config load. Each run must exit 2, print one
// `bk:` line naming the key, and change nothing (no remote directory appears).

async function refused(databases: Record<string, unknown>, args = ['dbbackup']) {
  const dir = await tempDir('bk-strict-');
  await writeConfig(dir, { remote: './remote', databases });
  const result = await bk(dir, args);
  expect(result.exitCode, result.stderr).toBe(2);
  expect(existsSync(join(dir, 'remote'))).toBe(false);
  const line = result.stderr.split('\n').find((text) => text.startsWith('bk: ')) ?? '';
  return line;
}

const PG = 'postgres://postgres@127.0.0.1:5432/nothing';
const MYSQL = 'mysql://root@127.0.0.1:3306/nothing';
const MONGO = 'mongodb://127.0.0.1:27017/nothing';

describe('attack: a misspelled connector option is an error naming the key', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    [
      'pg',
      { url: PG, excludeTabels: ['audit'] },
      'bk: databases.main.excludeTabels: unknown option; did you mean excludeTables?',
    ],
    [
      'mysql',
      { url: MYSQL, excludeTabels: ['audit'] },
      'bk: databases.main.excludeTabels: unknown option; did you mean excludeTables?',
    ],
    [
      'mongo',
      { url: MONGO, excludeCollection: ['audit'] },
      'bk: databases.main.excludeCollection: unknown option; did you mean excludeCollections?',
    ],
    [
      'sqlite',
      { connector: 'sqlite', path: './a.db', busyTimeout: 5 },
      'bk: databases.main.busyTimeout: unknown option; did you mean busyTimeoutMs?',
    ],
    [
      'pg, nested in binaries',
      { url: PG, binaries: { pgDumb: '/usr/bin/pg_dump' } },
      'bk: databases.main.binaries.pgDumb: unknown option; did you mean pgDump?',
    ],
    [
      'mysql, nested in tls',
      { url: MYSQL, tls: { mdoe: 'REQUIRED' } },
      'bk: databases.main.tls.mdoe: unknown option; did you mean mode?',
    ],
    [
      'pg, nested in postgis',
      { url: PG, postgis: { extension: ['postgis'] } },
      'bk: databases.main.postgis.extension: unknown option; did you mean extensions?',
    ],
    [
      'mongo, nested in rename',
      { url: MONGO, rename: [{ from: 'a.b', too: 'c.d' }] },
      'bk: databases.main.rename[0].too: unknown option; did you mean to?',
    ],
    ['pg, nothing close', { url: PG, zzzzzzzz: 1 }, 'bk: databases.main.zzzzzzzz: unknown option'],
  ];
  for (const [name, entry, expected] of cases) {
    it.concurrent(name, async () => {
      expect(await refused({ main: entry })).toBe(expected);
    });
  }

  it.concurrent('a wrong type names the key too', async () => {
    expect(await refused({ main: { url: PG, excludeTables: 'audit' } })).toMatch(
      /^bk: databases\.main\.excludeTables: /,
    );
  });

  it.concurrent('doctor fails its config check with the same line (doctor exits 1: a check failed)', async () => {
    const dir = await tempDir('bk-strict-');
    await writeConfig(dir, { remote: './remote', databases: { main: { url: PG, excludeTabels: ['x'] } } });
    const result = await bk(dir, ['doctor']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(
      /FAIL +config +config +databases\.main\.excludeTabels: unknown option; did you mean excludeTables\?/,
    );
  });
});

describe('attack: URL errors name the database, not "url"', () => {
  const cases: [string, string][] = [
    ['mysql, unknown URL parameter', 'mysql://root@127.0.0.1:3306/nothing?colour=blue'],
    ['mysql, bad port', 'mysql://root@127.0.0.1:99999/nothing'],
    ['pg, bad port', 'postgres://postgres@127.0.0.1:port/nothing'],
    ['pg, bad percent-encoding', 'postgres://postgres@127.0.0.1:5432/no%zzthing'],
    ['mongo, no host', 'mongodb:///nothing'],
    ['sqlite, a host', 'sqlite://example.com/a.db'],
  ];
  for (const [name, url] of cases) {
    it.concurrent(name, async () => {
      const line = await refused({ main: url });
      expect(line).toMatch(/^bk: databases\.main(\.\w+)?: /);
      expect(line).not.toMatch(/^bk: url: /);
    });
  }
});

describe('attack: a database alias that cannot be a name is refused at config load', () => {
  const aliases = ['..', '.', 'a/b', 'a\nb', '', '-rf', 'a b', '../x', ' '];
  for (const alias of aliases) {
    it.concurrent(`alias ${JSON.stringify(alias)}`, async () => {
      const line = await refused({ [alias]: { connector: 'sqlite', path: './a.db' } });
      expect(line).toContain(`databases: invalid database name ${JSON.stringify(alias)}`);
      expect(line).not.toMatch(/lock/);
    });
  }
});
