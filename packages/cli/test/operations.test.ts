import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, bk, cleanEnv, createProject, filesUnder, scrub } from './helpers.js';

/** A sqlite3 stand-in that behaves like the real one except for `.dump`, where it fails or hangs. */
async function fakeSqlite(dir: string, dump: 'fail' | 'hang'): Promise<string> {
  const file = join(dir, `fake-sqlite3-${dump}`);
  const onDump =
    dump === 'fail'
      ? `printf 'BEGIN TRANSACTION;\\nCREATE TABLE partial' ; echo 'Error: disk I/O error' >&2; exit 5`
      : `printf 'BEGIN TRANSACTION;\\n'; exec sleep 60`;
  await writeFile(
    file,
    `#!/bin/sh\nfor arg in "$@"; do if [ "$arg" = ".dump" ]; then ${onDump}; fi; done\nexec /usr/bin/sqlite3 "$@"\n`,
  );
  await chmod(file, 0o755);
  return file;
}

describe('bk operations through the built binary', () => {
  it('--json prints NDJSON events (started, progress, completed), then one result object', async () => {
    const project = await createProject();
    const result = await bk(project.dir, ['dbbackup', '--json']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n');
    const events = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events[0]).toMatchObject({ type: 'started', operation: 'backup', database: 'default' });
    expect(events.map((event) => event.type)).toContain('completed');
    const last = events.at(-1);
    expect(last).toMatchObject({ type: 'result', command: 'dbbackup', ok: true, failed: [], pruned: [] });
    expect(last?.backups).toEqual([expect.objectContaining({ database: 'default', connector: 'sqlite' })]);

    const failed = await bk(project.dir, ['--json', 'dbbackup', '-d', 'nope']);
    expect(failed.exitCode).toBe(2);
    expect(JSON.parse(failed.stdout)).toEqual({
      type: 'result',
      command: 'dbbackup',
      ok: false,
      error: { code: 'BK_USAGE', message: 'unknown database "nope"', hint: 'configured databases: default' },
    });
  });

  it('--quiet prints nothing on success; results alone go to stdout in a pipe', async () => {
    const project = await createProject();
    const quiet = await bk(project.dir, ['dbbackup', '--quiet']);
    expect(quiet.exitCode).toBe(0);
    expect(quiet.stdout).toBe('');
    expect(quiet.stderr).toBe('');
    const list = await bk(project.dir, ['listbackups']);
    expect(list.stderr).toBe('');
    expect(
      scrub(list.stdout, project.dir)
        .replace(/\d{4}-\d\d-\d\dT[\d:]+Z/, '<time>')
        .replace(/\d+ B/, '<size>'),
    ).toMatchInlineSnapshot(`
        "DATABASE  CREATED               SIZE   CONNECTOR  PATH
        default   <time>  <size>  sqlite     db/default-<stamp>.sqlite.sql
        "
      `);
  });

  it('--verbose shows the commands run', async () => {
    const project = await createProject();
    const result = await bk(project.dir, ['dbbackup', '--verbose']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/^\$ rclone lsjson /m);
    expect(result.stderr).toMatch(/^\$ sqlite3 .* \.dump /m);
    expect(result.stderr).toMatch(/^\$ rclone rcat /m);
  });

  it('exits 1 naming the process when the dump fails, and leaves no backup', async () => {
    const project = await createProject();
    const binary = await fakeSqlite(project.dir, 'fail');
    await writeFile(
      join(project.dir, 'bk.config.json'),
      JSON.stringify({
        remote: './backups',
        databases: { default: { connector: 'sqlite', path: './app.db', binary } },
      }),
    );
    const result = await bk(project.dir, ['dbbackup']);
    expect(result.exitCode).toBe(1);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^bk: .*exited 5: Error: disk I\/O error/);
    expect(lines[0]).toContain('sqlite3');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect((await filesUnder(project.remote)).filter((file) => !file.startsWith('db/.partial/'))).toEqual([]);
    const list = await bk(project.dir, ['listbackups', '--json']);
    expect(JSON.parse(list.stdout)).toEqual([]);
  });

  it('--all goes on after one database fails, exits 1 and names it', async () => {
    const project = await createProject();
    const binary = await fakeSqlite(project.dir, 'fail');
    await writeFile(
      join(project.dir, 'bk.config.json'),
      JSON.stringify({
        remote: './backups',
        databases: {
          good: 'sqlite:./app.db',
          broken: { connector: 'sqlite', path: './app.db', binary },
          other: 'sqlite:./app.db',
        },
      }),
    );
    const result = await bk(project.dir, ['dbbackup', '--all']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^good: db\/good-/m);
    expect(result.stdout).toMatch(/^other: db\/other-/m);
    expect(result.stderr).toMatch(/^bk: broken: .*sqlite3.*exited 5/m);
    expect(result.stderr).toMatch(/^bk: 1 of 3 backups failed: broken$/m);
    const list = JSON.parse((await bk(project.dir, ['listbackups', '--json'])).stdout) as {
      database: string;
    }[];
    expect(list.map((backup) => backup.database).sort()).toEqual(['good', 'other']);
  });

  it('Ctrl-C (SIGINT) aborts the running backup and exits 130, leaving no backup', async () => {
    const project = await createProject();
    const binary = await fakeSqlite(project.dir, 'hang');
    await writeFile(
      join(project.dir, 'bk.config.json'),
      JSON.stringify({
        remote: './backups',
        databases: { default: { connector: 'sqlite', path: './app.db', binary } },
      }),
    );
    const child = execa('node', [BIN, 'dbbackup', '--json'], {
      cwd: project.dir,
      env: cleanEnv(),
      reject: false,
      input: '',
    });
    let output = '';
    await new Promise<void>((resolve) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('"started"')) resolve();
      });
      // If bk exits before starting, the assertions below report how, instead of a timeout.
      void child.then(() => resolve());
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toMatch(/^bk: bk dbbackup was interrupted$/m);
    expect((await filesUnder(project.remote)).filter((file) => !file.startsWith('db/.partial/'))).toEqual([]);
  });

  it('cleanup --dry-run prints why each backup is kept and changes nothing', async () => {
    const project = await createProject({ db: { keep: { last: 2 } } });
    for (let index = 0; index < 3; index++) {
      expect((await bk(project.dir, ['dbbackup'])).exitCode).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 1100)); // names have second resolution
    }
    const before = await filesUnder(project.remote);
    expect(before.filter((file) => file.endsWith('.json'))).toHaveLength(3);
    const dry = await bk(project.dir, ['cleanup', '--dry-run']);
    expect(dry.exitCode).toBe(0);
    expect(scrub(dry.stdout, project.dir)).toMatchInlineSnapshot(`
      "keep    db/default-<stamp>.sqlite.sql  last 2
      keep    db/default-<stamp>.sqlite.sql  last 2
      remove  db/default-<stamp>.sqlite.sql
      "
    `);
    expect(dry.stderr).toMatch(/dry run: 1 would be removed, nothing changed/);
    expect(await filesUnder(project.remote)).toEqual(before);

    const real = await bk(project.dir, ['cleanup']);
    expect(real.exitCode).toBe(0);
    expect((await filesUnder(project.remote)).filter((file) => file.endsWith('.json'))).toHaveLength(2);
  });

  it('verify passes intact backups and exits 1 naming a bit-flipped one', async () => {
    const project = await createProject();
    expect((await bk(project.dir, ['dbbackup'])).exitCode).toBe(0);
    const ok = await bk(project.dir, ['verify']);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/^ok {4}db\/default-.*\.sqlite\.sql/);

    const [object] = (await filesUnder(project.remote)).filter((file) => file.endsWith('.sqlite.sql'));
    const path = join(project.remote, object ?? '');
    const bytes = await readFile(path);
    bytes[Math.floor(bytes.length / 2)] = (bytes[Math.floor(bytes.length / 2)] ?? 0) ^ 0x01;
    await writeFile(path, bytes);

    const bad = await bk(project.dir, ['verify']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toContain(`BAD   ${object}`);
    expect(bad.stderr).toContain(`bk: 1 of 1 backup failed verification: ${object}`);
    expect(bad.stderr).toMatch(/sha256/);
    const json = await bk(project.dir, ['verify', '--all', '--json']);
    expect(json.exitCode).toBe(1);
    const result = JSON.parse(json.stdout.trimEnd().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    expect(result).toMatchObject({ type: 'result', command: 'verify', ok: false, verified: [] });
    expect(result.failed).toEqual([expect.objectContaining({ path: object })]);
  });
});
