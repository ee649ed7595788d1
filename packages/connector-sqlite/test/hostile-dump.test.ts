import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ProcessError } from '@bk/core';
import { describe, expect, it } from 'vitest';
import { createSqliteConnector, SqliteRestoreError } from '../src/index.js';
import { makeTempDir, seed } from './fixtures.js';

/** A `.dump`-shaped script with `attack` inside its transaction. */
function hostileDump(attack: string): string {
  return `PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE loot(x);\n${attack}\nCOMMIT;\n`;
}

/** Every way found for a SQLite dump to reach the restoring machine, each aimed at files in `dir`. */
function attacks(dir: string): Record<string, string> {
  const secret = join(dir, 'secret.sql');
  const victim = join(dir, 'victim.txt');
  const ran = join(dir, 'ran');
  const written = join(dir, 'written');
  return {
    // sqlite3 3.40's -safe mode does not block .trace: it truncates and writes any file.
    '.trace overwrites a file': `.trace "${victim}"\nSELECT 'pwned';`,
    '.trace after leading blanks': `  \t.trace "${victim}"\nSELECT 'pwned';`,
    '.trace after a CR': `\r.trace "${victim}"\nSELECT 'pwned';`,
    '.shell': `.shell touch "${ran}"`,
    '.system': `.system touch "${ran}"`,
    '.import reads a file': `.import "${secret}" loot`,
    '.read runs a file': `.read "${secret}"`,
    '.output': `.output "${written}"\nSELECT 'x';`,
    '.once': `.once "${written}"\nSELECT 'x';`,
    '.log': `.log "${written}"`,
    '.save': `.save "${written}"`,
    '.backup': `.backup "${written}"`,
    '.load': `.load "${join(dir, 'evil.so')}"`,
    '.open another file': `.open "${victim}"`,
    '.cd': `.cd "${dir}"`,
    '.bail off then an error': `.bail off\nSELECT nope();`,
    '.dbconfig defensive off': '.dbconfig defensive off',
    '.parameter': '.parameter set @x 1',
    'ATTACH another file': `ATTACH '${join(dir, 'other.db')}' AS o;\nCREATE TABLE o.t(x);`,
    'VACUUM INTO a file': `VACUUM INTO '${written}';`,
    'load_extension()': `SELECT load_extension('${join(dir, 'evil.so')}');`,
    'readfile()': `INSERT INTO loot SELECT readfile('${secret}');`,
    'writefile()': `SELECT writefile('${written}', 'x');`,
    'edit()': `SELECT edit('x', 'touch ${ran}');`,
    'fts3_tokenizer() pointer': `SELECT fts3_tokenizer('simple', x'4141414141414141');`,
  };
}

describe('a hostile dump cannot reach the restoring machine (sqlite3 -safe plus no dot-commands)', () => {
  it('each attack is refused with a clear error; nothing runs, is read or written; the target is unchanged', async () => {
    const dir = await makeTempDir();
    const target = createSqliteConnector({ path: join(dir, 'target.db') });
    seed(target.options.path, 5);
    const original = await readFile(target.options.path);
    await writeFile(join(dir, 'secret.sql'), "INSERT INTO loot VALUES ('SECRET-canary');\n", { mode: 0o600 });
    await writeFile(join(dir, 'victim.txt'), 'precious\n');
    const files = (await readdir(dir)).sort();
    const failures: string[] = [];
    for (const [name, attack] of Object.entries(attacks(dir))) {
      const error = await target
        .restore(Readable.from([hostileDump(attack)]))
        .catch((caught: unknown) => caught);
      const problems = [
        !(error instanceof SqliteRestoreError || error instanceof ProcessError) &&
          `resolved or threw ${error}`,
        !(await readFile(target.options.path)).equals(original) && 'target changed',
        (await readFile(join(dir, 'victim.txt'), 'utf8')) !== 'precious\n' && 'victim.txt overwritten',
        existsSync(join(dir, 'ran')) && 'a command ran',
        (await readdir(dir)).sort().join() !== files.join() && `files: ${(await readdir(dir)).join()}`,
      ].filter(Boolean);
      if (problems.length > 0) failures.push(`${name}: ${problems.join(', ')}`);
    }
    expect(failures).toEqual([]);
  });

  it('a dot-command is refused before sqlite3 sees it, naming its line', async () => {
    const dir = await makeTempDir();
    const target = createSqliteConnector({ path: join(dir, 'target.db') });
    const error = await target
      .restore(Readable.from([hostileDump(`.trace "${join(dir, 'x')}"`)]))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SqliteRestoreError);
    expect((error as Error).message).toMatch(/line 4 starts with "\." .*sqlite3 dot-command.*not a \.dump/);
    expect((error as SqliteRestoreError).hint).toMatch(/forged/);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('text that looks like a dot-command inside a value round-trips (it is never at a line start)', async () => {
    const dir = await makeTempDir();
    const source = createSqliteConnector({ path: join(dir, 'source.db') });
    const { DatabaseSync } = await import('node:sqlite');
    const db = new DatabaseSync(source.options.path);
    db.exec(
      `CREATE TABLE t(x); INSERT INTO t VALUES ('a' || char(10) || '.shell touch ${join(dir, 'ran')}' || char(10) || '  .trace x');`,
    );
    db.close();
    const chunks: Buffer[] = [];
    const handle = source.dump();
    for await (const chunk of handle.stream) chunks.push(Buffer.from(chunk));
    await handle.done;
    const target = createSqliteConnector({ path: join(dir, 'target.db') });
    await target.restore(Readable.from(chunks));
    const check = new DatabaseSync(target.options.path, { readOnly: true });
    expect(String(check.prepare('SELECT x FROM t').get()?.x)).toContain('\n.shell touch');
    check.close();
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });
});

describe('no backup exists that a restore would refuse', () => {
  it('a schema line that starts with "." fails the dump with BK_SQLITE_DUMP_REFUSED', async () => {
    const dir = await makeTempDir();
    const source = createSqliteConnector({ path: join(dir, 'source.db') });
    const { DatabaseSync } = await import('node:sqlite');
    const db = new DatabaseSync(source.options.path);
    db.exec('CREATE TABLE t (x REAL DEFAULT\n.5); INSERT INTO t DEFAULT VALUES;');
    db.close();
    const handle = source.dump();
    const read = (async () => {
      for await (const _chunk of handle.stream);
    })();
    await expect(read).rejects.toMatchObject({ code: 'BK_SQLITE_DUMP_REFUSED' });
    await expect(handle.done).rejects.toMatchObject({
      code: 'BK_SQLITE_DUMP_REFUSED',
      message: expect.stringMatching(/line \d+ starts with "\."/),
    });
  });
});
