import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const script = join(dirname(dirname(fileURLToPath(import.meta.url))), 'backup.ts');
const suffix = randomBytes(4).toString('hex');
const source = `bk_example_src_${suffix}`;
const scratch = `bk_example_scratch_${suffix}`;
let work: string;

const psql = (sql: string, database = 'postgres') =>
  execa('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', database, '-v', 'ON_ERROR_STOP=1', '-Atc', sql]);

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bk-example-pg-'));
  await psql(`CREATE DATABASE ${source}`);
  await psql(
    "CREATE TABLE items (id int PRIMARY KEY, label text); INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 500) g",
    source,
  );
});

afterAll(async () => {
  await psql(`DROP DATABASE IF EXISTS ${source}`).catch(() => {});
  await psql(`DROP DATABASE IF EXISTS ${scratch}`).catch(() => {});
  await rm(work, { recursive: true, force: true });
});

describe('examples/pg-script', () => {
  it('backs up, lists and restores into a scratch database it creates, with the libraries only', async () => {
    const result = await execa('node', [script], {
      cwd: work,
      env: {
        PG_URL: `postgres://postgres@127.0.0.1:5432/${source}`,
        SCRATCH_URL: `postgres://postgres@127.0.0.1:5432/${scratch}`,
        REMOTE: join(work, 'backups'),
      },
    });
    expect(result.stdout).toMatch(/^rclone v?\d/m);
    // The scratch database did not exist: the script created it before restoring.
    expect(result.stdout).toMatch(/^created postgres:\/\/postgres@127\.0\.0\.1:5432\/bk_example_scratch_/m);
    expect(result.stdout).toMatch(/^backed up db\/main-\d{4}-\d\d-\d\d-\d{6}\.pgdump \(\d+ bytes/m);
    expect(result.stdout).toMatch(/^listed db\/main-/m);
    expect(result.stdout).toMatch(
      /^restored db\/main-.* into postgres:\/\/postgres@127\.0\.0\.1:5432\/bk_example_scratch_/m,
    );
    expect((await psql('SELECT count(*), max(label) FROM items', scratch)).stdout).toBe('500|item 99');
  });
});
