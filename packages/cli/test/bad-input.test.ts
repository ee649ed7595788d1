import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bk, createProject, filesUnder, scrub, tempDir, writeConfig } from './helpers.js';

/**
 * Invariant 7: bad input gets a one-line error (plus a hint line) and exit 2, and changes nothing:
 * the remote stays empty and the database file is untouched.
 */
async function expectRejected(
  project: { dir: string; remote: string },
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<string> {
  const before = await filesUnder(project.dir);
  const result = await bk(project.dir, args, { env });
  expect(result.exitCode).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^bk: /);
  expect(lines.length).toBeLessThanOrEqual(2);
  if (lines[1] !== undefined) expect(lines[1]).toMatch(/^hint: /);
  expect(await filesUnder(project.remote)).toEqual([]);
  expect(await filesUnder(project.dir)).toEqual(before);
  return scrub(result.stderr, project.dir);
}

describe('bad input: one line, exit 2, nothing written', () => {
  it('unknown database name', async () => {
    const project = await createProject();
    expect(await expectRejected(project, ['dbbackup', '-d', 'nope'])).toMatchInlineSnapshot(`
      "bk: unknown database "nope"
      hint: configured databases: default
      "
    `);
    expect(await expectRejected(project, ['dbrestore', '--noinput', '-d', 'nope'])).toMatchInlineSnapshot(`
      "bk: unknown database "nope"
      hint: configured databases: default
      "
    `);
  });

  it('--input-path with .. or an absolute path', async () => {
    const project = await createProject();
    expect(
      await expectRejected(project, ['dbrestore', '--noinput', '-i', '../outside.sqlite.sql']),
    ).toMatchInlineSnapshot(`
      "bk: --input-path: invalid input path "../outside.sqlite.sql": .. is not allowed
      hint: give a backup name as shown by bk listbackups, such as db/default-<stamp>.pgdump
      "
    `);
    expect(
      await expectRejected(project, ['dbrestore', '--noinput', '-i', '/etc/passwd']),
    ).toMatchInlineSnapshot(`
      "bk: --input-path: invalid input path "/etc/passwd": it must be relative to the remote
      hint: give a backup name as shown by bk listbackups, such as db/default-<stamp>.pgdump
      "
    `);
    expect(await expectRejected(project, ['verify', '-i', 'db/../../x'])).toMatchInlineSnapshot(`
      "bk: --input-path: invalid input path "db/../../x": .. is not allowed
      hint: give a backup name as shown by bk listbackups, such as db/default-<stamp>.pgdump
      "
    `);
  });

  it('a filename template without {database}', async () => {
    const project = await createProject({ db: { filenameTemplate: 'backup-{datetime}.{ext}' } });
    expect(await expectRejected(project, ['dbbackup'])).toMatchInlineSnapshot(`
      "bk: db.filenameTemplate: invalid filename template "backup-{datetime}.{ext}": it must contain {database}
      hint: use placeholders {database}, {datetime}, {ext}, {host}, e.g. "{database}-{datetime}.{ext}"
      "
    `);
  });

  it('keep 0', async () => {
    const project = await createProject({ db: { keep: 0 } });
    expect(await expectRejected(project, ['dbbackup', '--clean'])).toMatchInlineSnapshot(`
      "bk: db.keep: invalid keep policy 0: keep must be at least 1
      hint: use a whole number of backups to keep (at least 1) or rules like { "last": 7, "daily": 14 }
      "
    `);
    await writeConfig(project.dir, {
      remote: './backups',
      databases: { default: 'sqlite:./app.db' },
      db: { keep: { last: 3, daily: 0 } },
    });
    expect(await expectRejected(project, ['cleanup'])).toMatchInlineSnapshot(`
      "bk: db.keep: invalid keep policy {"last":3,"daily":0}: daily must be at least 1
      hint: use a whole number of backups to keep (at least 1) or rules like { "last": 7, "daily": 14 }
      "
    `);
  });

  it('an unknown rclone remote', async () => {
    const project = await createProject({ remote: 'nosuchremote:backups' });
    expect(
      await expectRejected(project, ['dbbackup'], { RCLONE_CONFIG: join(project.dir, 'empty-rclone.conf') }),
    ).toMatchInlineSnapshot(`
      "bk: rclone lsjson exited 1: Failed to create file system for "nosuchremote:backups": didn't find section in config file
      hint: run \`rclone config\` to create the remote, define it with RCLONE_CONFIG_<NAME>_TYPE=..., or fix \`remote\`
      "
    `);
  });

  it('a missing rclone or sqlite3 binary says which and how to install it', async () => {
    const project = await createProject();
    const bin = join(await tempDir(), 'bin');
    await mkdir(bin);
    await symlink(process.execPath, join(bin, 'node'));
    // rclone present, sqlite3 missing
    await symlink('/usr/bin/rclone', join(bin, 'rclone'));
    expect(await expectRejected(project, ['dbbackup'], { PATH: bin })).toMatchInlineSnapshot(`
      "bk: sqlite3 was not found on PATH
      hint: apt-get install sqlite3
      "
    `);
    // neither
    const onlyNode = join(bin, 'only-node');
    await mkdir(onlyNode);
    await symlink(process.execPath, join(onlyNode, 'node'));
    expect(await expectRejected(project, ['dbbackup'], { PATH: onlyNode })).toMatchInlineSnapshot(`
      "bk: rclone binary not found: rclone
      hint: install rclone (\`apt-get install rclone\`, or https://rclone.org/install/) or set its path with \`binary\`
      "
    `);
  });

  it('--database is required for dbrestore when several databases are configured', async () => {
    const project = await createProject({
      databases: { one: 'sqlite:./app.db', two: 'sqlite:./app.db' },
    });
    expect(await expectRejected(project, ['dbrestore', '--noinput'])).toMatchInlineSnapshot(`
      "bk: several databases are configured (one, two): say which
      hint: pass --database NAME
      "
    `);
    expect(await expectRejected(project, ['dbbackup'])).toMatchInlineSnapshot(`
      "bk: several databases are configured (one, two): say which
      hint: pass --database NAME (repeatable) or --all
      "
    `);
  });

  it('dbrestore refuses to ask without a terminal: pass --noinput', async () => {
    const project = await createProject();
    expect(await expectRejected(project, ['dbrestore'])).toMatchInlineSnapshot(`
      "bk: stdin is not a terminal, so bk cannot ask before restoring: pass --noinput to restore
      hint: bk dbrestore --noinput replaces the database without asking
      "
    `);
  });

  it('an unsupported database URL', async () => {
    const project = await createProject({ databases: { default: 'oracle://db/app' } });
    expect(await expectRejected(project, ['dbbackup'])).toMatchInlineSnapshot(`
      "bk: databases.default: expected a postgres://, mysql://, mariadb://, sqlite: or mongodb:// URL
      hint: fix bk.config.json
      "
    `);
  });
});
