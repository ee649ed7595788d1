import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bk, createSmallDatabase, scrub, tempDir, writeConfig } from './helpers.js';

/** The table without version strings, which differ between machines. */
function table(stdout: string, dir: string): string {
  return scrub(stdout, dir)
    .split('\n')
    .map((line) => line.replace(/^(ok)(\s+binary\s+\S+\s+).*$/, '$1$2<version>'))
    .join('\n');
}

describe('bk doctor', () => {
  it('passes on a working set-up and leaves nothing on the remote', async () => {
    const dir = await tempDir();
    createSmallDatabase(join(dir, 'app.db'));
    await writeConfig(dir, { remote: './backups', databases: { app: 'sqlite:./app.db' } });
    const result = await bk(dir, ['doctor']);
    expect(result.exitCode).toBe(0);
    expect(table(result.stdout, dir)).toMatchInlineSnapshot(`
      "STATUS  CHECK     TARGET   DETAIL
      ok      config    config   <dir>/bk.config.json: 1 database(s)
      ok      binary    rclone   <version>
      ok      binary    sqlite3  <version>
      ok      database  app      sqlite:<dir>/app.db: sqlite 3.40.1; sqlite3 3.40.1
      ok      remote    remote   <dir>/backups: reachable, writable
      "
    `);
    expect(await readdir(join(dir, 'backups'))).toEqual([]);
  });

  it('reports a missing binary and an unreachable database, and exits 1', async () => {
    const dir = await tempDir();
    createSmallDatabase(join(dir, 'app.db'));
    await writeConfig(dir, {
      remote: './backups',
      databases: {
        app: { url: 'sqlite:./app.db', binary: '/nonexistent/sqlite3' },
        down: 'postgres://postgres@127.0.0.1:1/nope',
      },
    });
    const result = await bk(dir, ['doctor']);
    expect(result.exitCode).toBe(1);
    expect(table(result.stdout, dir)).toMatchInlineSnapshot(`
      "STATUS  CHECK     TARGET      DETAIL
      ok      config    config      <dir>/bk.config.json: 2 database(s)
      ok      binary    rclone      <version>
      FAIL    binary    sqlite3     /nonexistent/sqlite3 not found on PATH
      ok      binary    pg_dump     <version>
      ok      binary    pg_restore  <version>
      ok      binary    psql        <version>
      FAIL    database  app         sqlite:<dir>/app.db: /nonexistent/sqlite3 was not found on PATH
      FAIL    database  down        psql exited 2: psql: error: connection to server at "127.0.0.1", port 1 failed: Connection refused | 	Is the server running on that host and accepting TCP/IP connections? (postgres://postgres@127.0.0.1:1/nope)
      ok      remote    remote      <dir>/backups: reachable, writable
      hint: sqlite3: apt-get install sqlite3 (or set binary)
      hint: app: apt-get install sqlite3
      hint: down: fix what the tool’s own error names (host, credentials, database, permissions) and run the command again
      "
    `);
    expect(result.stderr).toMatchInlineSnapshot(`
      "bk: 3 of 9 checks failed: binary sqlite3, database app, database down
      hint: fix the failures above, then run bk doctor again
      "
    `);
  });

  it('fails a pg_dump older than the PostgreSQL server, naming both versions and the fix', async () => {
    const dir = await tempDir();
    // A pg_dump that reports major version 12 (pg_dump refuses to dump a newer server).
    const old = join(dir, 'pg_dump-12');
    await writeFile(
      old,
      '#!/bin/sh\n[ "$1" = --version ] && { echo "pg_dump (PostgreSQL) 12.4"; exit 0; }\nexec pg_dump "$@"\n',
      { mode: 0o755 },
    );
    await writeConfig(dir, {
      remote: './backups',
      databases: { main: { url: 'postgres://postgres@127.0.0.1:5432/postgres', binaries: { pgDump: old } } },
    });
    const result = await bk(dir, ['doctor']);
    expect(result.exitCode, result.stderr).toBe(1);
    const row = result.stdout.split('\n').find((line) => /\bdatabase\s+main\b/.test(line));
    expect(row).toMatch(
      /^FAIL\s+database\s+main\s+postgres:\/\/postgres@127\.0\.0\.1:5432\/postgres: postgresql \d+/,
    );
    expect(result.stdout).toMatch(
      /hint: main: pg_dump 12 cannot dump a PostgreSQL (\d+) server: install postgresql-client-\1 and set binaries\.pgDump/,
    );
  });

  it('--json: a result object with every check', async () => {
    const dir = await tempDir();
    await writeConfig(dir, { remote: './backups', databases: { down: 'mariadb://root@127.0.0.1:1/nope' } });
    const result = await bk(dir, ['doctor', '--json']);
    expect(result.exitCode).toBe(1);
    const lines = result.stdout.trim().split('\n');
    const final = JSON.parse(lines.at(-1) ?? '{}');
    expect(final).toMatchObject({ type: 'result', command: 'doctor', ok: false });
    expect(
      final.checks.map(
        (check: { kind: string; target: string; status: string }) =>
          `${check.kind} ${check.target} ${check.status}`,
      ),
    ).toMatchInlineSnapshot(`
        [
          "config config pass",
          "binary rclone pass",
          "binary mariadb-dump pass",
          "binary mariadb pass",
          "database down fail",
          "remote remote pass",
        ]
      `);
  });

  it('an invalid config is a failed check, and rclone is still checked', async () => {
    const dir = await tempDir();
    await writeConfig(dir, { remote: './backups', databases: { app: 'oracle://x' } });
    const result = await bk(dir, ['doctor']);
    expect(result.exitCode).toBe(1);
    expect(table(result.stdout, dir)).toMatchInlineSnapshot(`
      "STATUS  CHECK   TARGET  DETAIL
      FAIL    config  config  databases.app: expected a postgres://, mysql://, mariadb://, sqlite: or mongodb:// URL
      ok      binary  rclone  <version>
      hint: config: fix bk.config.json
      "
    `);
  });
});
