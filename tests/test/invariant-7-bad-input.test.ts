import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { bk, filesUnder, tempDir, writeConfig } from './helpers.js';

const SECRET = 'Hunter2-bad-input';
const base = { remote: './remote', databases: { default: 'sqlite:./app.db' } };

/** [name, config (merged over base; null = no config file change), args, what the message must name]. */
const CASES: [string, Record<string, unknown>, string[], RegExp][] = [
  ['unknown database', {}, ['dbbackup', '-d', 'nope'], /unknown database "nope"/],
  ['unknown database on restore', {}, ['dbrestore', '-d', 'nope', '--noinput'], /unknown database "nope"/],
  ['unknown database on verify', {}, ['verify', '-d', 'nope'], /unknown database "nope"/],
  ['input path traversal', {}, ['dbrestore', '-i', '../etc/passwd', '--noinput'], /\.\.\/etc\/passwd|\.\./],
  ['absolute input path', {}, ['dbrestore', '-i', '/etc/passwd', '--noinput'], /\/etc\/passwd/],
  ['backslash input path', {}, ['verify', '-i', 'db\\x.sql'], /db\\\\x\.sql|backslash/],
  ['input path and --all', {}, ['verify', '-i', 'x', '--all'], /--input-path and --all/],
  ['unknown command', {}, ['dbbackupp'], /dbbackupp/],
  ['unknown option', {}, ['dbbackup', '--frobnicate'], /--frobnicate/],
  ['missing option value', {}, ['dbrestore', '-i'], /input-path/],
  ['--all with -d', {}, ['dbbackup', '--all', '-d', 'default'], /--all/],
  ['bad --wait', {}, ['dbbackup', '--wait', 'soon'], /--wait: invalid duration "soon"/],
  ['bad --partials-older-than', {}, ['cleanup', '--partials-older-than', '-3h'], /-3h/],
  ['--check without --to', {}, ['dbrestore', '--check', '--noinput'], /--check and --estimate need --to/],
  [
    '--to of another engine',
    {},
    ['dbrestore', '--to', 'postgres://x@127.0.0.1/y', '--noinput'],
    /--to: a pg URL/,
  ],
  ['--to with a bad scheme', {}, ['dbrestore', '--to', 'ftp://x', '--noinput'], /--to: expected/],
  ['restore without --noinput and no TTY', {}, ['dbrestore'], /--noinput/],
  [
    'bad template (no datetime)',
    { db: { filenameTemplate: '{database}.{ext}' } },
    ['dbbackup'],
    /filenameTemplate|\{datetime\}/,
  ],
  [
    'bad template (unknown placeholder)',
    { db: { filenameTemplate: '{database}-{datetime}-{nope}.{ext}' } },
    ['dbbackup'],
    /\{nope\}|placeholder/,
  ],
  [
    'template with a slash',
    { db: { filenameTemplate: '../{database}-{datetime}.{ext}' } },
    ['dbbackup'],
    /filenameTemplate/,
  ],
  ['keep 0', { db: { keep: 0 } }, ['dbbackup', '--clean'], /keep must be at least 1/],
  ['keep negative', { db: { keep: -2 } }, ['cleanup'], /keep/],
  ['keep rule 0', { db: { keep: { last: 3, daily: 0 } } }, ['cleanup'], /daily must be at least 1/],
  ['keep unknown rule', { db: { keep: { forever: 1 } } }, ['cleanup'], /forever/],
  ['keep bad within', { db: { keep: { within: 'a while' } } }, ['cleanup'], /within|a while/],
  ['--clean without keep', {}, ['dbbackup', '--clean'], /db\.keep/],
  ['unknown config key', { remotee: 'x' }, ['listbackups'], /remotee/],
  ['concurrency 0', { db: { concurrency: 0 } }, ['dbbackup'], /concurrency/],
  [
    'database URL of unknown scheme',
    { databases: { default: 'oracle://u@h/db' } },
    ['dbbackup'],
    /databases\.default/,
  ],
  [
    'bad database name',
    { databases: { 'a/b': 'sqlite:./app.db' } },
    ['dbbackup'],
    /databases: invalid database name "a\/b"/,
  ],
  [
    'unknown connector',
    { databases: { default: { connector: 'db2', url: 'x' } } },
    ['dbbackup'],
    /connector|db2/,
  ],
  ['empty remote', { remote: '' }, ['listbackups'], /remote/],
  ['unknown rclone remote', { remote: 'nosuchremote:backups' }, ['dbbackup'], /nosuchremote/],
  ['bad connection string', { remote: ':nosuchbackend:x' }, ['dbbackup'], /nosuchbackend/],
  ['missing env variable', { remote: '${BK_TEST_NOT_SET}/x' }, ['dbbackup'], /BK_TEST_NOT_SET/],
  [
    'password in a bad URL',
    { databases: { default: `mysql://root:${SECRET}@127.0.0.1:notaport/x` } },
    ['dbbackup'],
    /databases\.default|port/,
  ],
  [
    'missing password file',
    { databases: { default: { url: 'postgres://u@127.0.0.1/x', passwordFile: './nope.txt' } } },
    ['dbbackup'],
    /nope\.txt/,
  ],
  ['missing config file', {}, ['--config', 'nope.json', 'dbbackup'], /nope\.json/],
  [
    'media delete share above 1',
    { media: { root: '.', maxDeleteShare: 1.5 } },
    ['mediabackup'],
    /media\.maxDeleteShare: expected a share from 0 to 1/,
  ],
];

describe('invariant 7: bad input gets one line, exit 2, and changes nothing', () => {
  it(`has at least 30 cases (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.concurrent.each(CASES)('%s', async (_name, config, args, names) => {
    const dir = await tempDir('bk-bad-');
    const file = join(dir, 'app.db');
    const db = new DatabaseSync(file);
    db.exec('CREATE TABLE t (a); INSERT INTO t VALUES (1);');
    db.close();
    const before = await readFile(file);
    await writeConfig(dir, { ...base, ...config });
    const result = await bk(dir, args, { env: { RCLONE_CONFIG: join(dir, 'empty-rclone.conf') } });
    const lines = result.stderr.trimEnd().split('\n');
    expect(result.exitCode, result.stderr).toBe(2);
    expect(lines[0], result.stderr).toMatch(/^bk: /);
    expect(lines.length, result.stderr).toBeLessThanOrEqual(2);
    if (lines[1] !== undefined) expect(lines[1]).toMatch(/^hint: /);
    expect(result.stderr).toMatch(names);
    expect(result.stderr + result.stdout).not.toContain(SECRET);
    expect(result.stdout).toBe('');
    expect(await filesUnder(join(dir, 'remote'))).toEqual([]);
    expect(await readFile(file)).toEqual(before);
  });
});
