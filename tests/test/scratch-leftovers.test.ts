import { afterAll, describe, expect, it } from 'vitest';
import { bk, psql, tempDir, uniqueName, writeConfig } from './helpers.js';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const database = uniqueName('bk_scratch');
afterAll(async () => {
  const names = await psql('postgres', `SELECT datname FROM pg_database WHERE datname LIKE '${database}%'`);
  for (const name of names.split('\n').filter(Boolean)) {
    await psql('postgres', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
});

/** The scratch databases a parallel restore of `database` has left (one name a line). */
const scratches = () =>
  psql('postgres', `SELECT datname FROM pg_database WHERE datname LIKE '${database}\\_bk\\_%' ORDER BY 1`);

/** Polls until a scratch database exists and returns its name; fails after 30 s. */
async function scratchAppears(except = ''): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const names = (await scratches()).split('\n').filter((name) => name !== '' && name !== except);
    if (names.length > 0) return names.join('\n');
    if (Date.now() > deadline) throw new Error('no scratch database appeared');
    await sleep(50);
  }
}

describe('scratch databases of bk dbrestore --jobs', () => {
  it('SIGINT drops the scratch database at once; after SIGKILL, cleanup --dry-run lists it and cleanup drops it', async () => {
    await psql('postgres', `CREATE DATABASE ${database}`);
    await psql(
      database,
      `CREATE TABLE items (id serial PRIMARY KEY, body text);
       INSERT INTO items (body) SELECT md5(random()::text) || md5(random()::text) FROM generate_series(1, 40000);`,
    );
    const dir = await tempDir('bk-scratch-');
    const url = `postgres://postgres@127.0.0.1:5432/${database}`;
    await writeConfig(dir, { remote: './remote', databases: { default: url } });
    const backup = await bk(dir, ['dbbackup']);
    expect(backup.exitCode, backup.stderr).toBe(0);
    await writeConfig(dir, {
      remote: './remote',
      rclone: { flags: ['--bwlimit', '200k'] },
      databases: { default: url },
    });

    // SIGINT: the abort path drops the scratch database before bk exits.
    const interrupted = bk(dir, ['dbrestore', '--noinput', '--jobs', '2']);
    const name = await scratchAppears();
    expect(name).toMatch(new RegExp(`^${database}_bk_scratch_[0-9a-f]{4}_\\d+_[0-9a-z]+$`));
    (interrupted as unknown as { kill: (signal: string) => void }).kill('SIGINT');
    const interruptResult = await interrupted;
    expect(interruptResult.exitCode).not.toBe(0);
    expect(await scratches()).toBe('');

    // SIGKILL: nothing can run in bk; the scratch database stays until cleanup finds its pid dead.
    const killed = bk(dir, ['dbrestore', '--noinput', '--jobs', '2']);
    const leftover = await scratchAppears();
    (killed as unknown as { kill: (signal: string) => void }).kill('SIGKILL');
    expect((await killed).signal).toBe('SIGKILL');
    expect(await scratches()).toBe(leftover);

    await writeConfig(dir, { remote: './remote', databases: { default: url } });
    const dry = await bk(dir, ['cleanup', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`would drop database ${leftover}`);
    expect(await scratches()).toBe(leftover);

    const cleanup = await bk(dir, ['cleanup']);
    expect(cleanup.exitCode, cleanup.stderr).toBe(0);
    expect(cleanup.stdout).toContain(`dropped database ${leftover}`);
    expect(await scratches()).toBe('');
    // The target itself is untouched and never matched.
    expect(await psql(database, 'SELECT count(*) FROM items')).toBe('40000');

    // The next restore drops a killed restore's scratch database too; a look-alike name stays.
    const lookalike = `${database}_bk_scratch_other`;
    await psql('postgres', `CREATE DATABASE ${lookalike}`);
    await writeConfig(dir, {
      remote: './remote',
      rclone: { flags: ['--bwlimit', '200k'] },
      databases: { default: url },
    });
    const again = bk(dir, ['dbrestore', '--noinput', '--jobs', '2']);
    const second = await scratchAppears(lookalike);
    (again as unknown as { kill: (signal: string) => void }).kill('SIGKILL');
    await again;
    await writeConfig(dir, { remote: './remote', databases: { default: url } });
    const restored = await bk(dir, ['dbrestore', '--noinput', '--jobs', '2']);
    expect(restored.exitCode, restored.stderr).toBe(0);
    expect(restored.stderr).toContain(`dropped ${second}, left by a killed restore`);
    expect(await scratches()).toBe(lookalike);
    expect(second).not.toBe('');
  }, 40_000);
});
