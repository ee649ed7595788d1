import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { dumpToBuffer } from '@bk/connector-test-suite';
import { ConfigError, ProcessError } from '@bk/core';
import { describe, expect, it } from 'vitest';
import { createSqliteConnector } from '../src/index.js';
import { makeTempDir, seed } from './fixtures.js';

// createDatabase is what `bk dbrestore --create` and restore drills call before restoring.
describe('createDatabase', () => {
  it('creates a missing file that restores like any target, then leaves it alone', async () => {
    const dir = await makeTempDir();
    const source = createSqliteConnector({ path: join(dir, 'source.db') });
    seed(source.options.path, 50);
    const target = createSqliteConnector({ path: join(dir, 'new.db') });
    expect(await target.createDatabase()).toBe(true);
    expect((await readFile(target.options.path)).length).toBe(0);
    await target.check();
    await target.restore(Readable.from([await dumpToBuffer(source)]));
    const restored = await readFile(target.options.path);
    expect(await target.createDatabase()).toBe(false);
    expect((await readFile(target.options.path)).equals(restored)).toBe(true);
    expect(await target.rowCounts()).toEqual(await source.rowCounts());
  });

  it('an existing file that is not a database rejects, unchanged, so no restore replaces it', async () => {
    const dir = await makeTempDir();
    const path = join(dir, 'notes.txt');
    await writeFile(path, 'not a database, and not to be overwritten\n');
    const error = await createSqliteConnector({ path })
      .createDatabase()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProcessError);
    expect((error as ProcessError).message).toMatch(/sqlite3 exited \d+: .*not a database/);
    expect(await readFile(path, 'utf8')).toBe('not a database, and not to be overwritten\n');
  });

  it('a missing directory is a config error naming the path', async () => {
    const dir = await makeTempDir();
    const path = join(dir, 'missing', 'app.db');
    const error = await createSqliteConnector({ path })
      .createDatabase()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(`cannot create the SQLite database ${path}`);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });
});
