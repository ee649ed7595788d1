import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bk, createProject, filesUnder, writeConfig } from './helpers.js';
import { failingSqlite, readRunLog } from './ops-helpers.js';

async function backups(project: { dir: string }, count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    const result = await bk(project.dir, ['dbbackup', '--quiet']);
    expect(result.exitCode, result.stderr).toBe(0);
  }
}

const objects = async (remote: string) =>
  (await filesUnder(join(remote, 'db'))).filter((file) => !file.startsWith('.'));

/**
 * Backup names under db/, newest first by manifest time. Name order is not time order: two
 * backups in the same second are `<stamp>.sqlite.sql` and `<stamp>-1.sqlite.sql`, and `-` sorts
 * before `.`.
 */
async function newestFirst(project: { dir: string }): Promise<string[]> {
  const listed = await bk(project.dir, ['listbackups', '--json']);
  expect(listed.exitCode, listed.stderr).toBe(0);
  return (JSON.parse(listed.stdout) as { path: string }[]).map((backup) => backup.path.replace(/^db\//, ''));
}

describe('bk cleanup and dbbackup --clean: retention with reasons, and when not to prune', () => {
  it('per-database keep overrides db.keep; --dry-run changes nothing; cleanup removes what no rule keeps', async () => {
    const project = await createProject({
      databases: { default: { url: 'sqlite:./app.db', keep: { last: 2 } } },
      db: { keep: 10 },
    });
    await backups(project, 4);
    const before = await objects(project.remote);
    expect(before).toHaveLength(8);
    const kept = (await newestFirst(project)).slice(0, 2);

    const dry = await bk(project.dir, ['cleanup', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    const lines = dry.stdout.trimEnd().split('\n');
    expect(lines.map((line) => line.split(/\s+/)[0])).toEqual(['keep', 'keep', 'remove', 'remove']);
    expect(lines[0]).toMatch(/^keep\s+db\/default-\S+\.sqlite\.sql\s+last 2$/);
    expect(dry.stderr).toContain('dry run: 2 would be removed, nothing changed');
    expect(await objects(project.remote)).toEqual(before);

    const json = await bk(project.dir, ['cleanup', '--dry-run', '--json']);
    const result = JSON.parse(json.stdout.trimEnd().split('\n').at(-1) ?? '');
    expect(result.databases[0].decisions.map((decision: { keptBy: string[] }) => decision.keptBy)).toEqual([
      ['last 2'],
      ['last 2'],
      [],
      [],
    ]);

    const real = await bk(project.dir, ['cleanup']);
    expect(real.exitCode, real.stderr).toBe(0);
    expect(await objects(project.remote)).toEqual(kept.flatMap((name) => [name, `${name}.json`]).sort());

    // dbbackup --clean applies the same (per-database) policy after a successful backup.
    const clean = await bk(project.dir, ['dbbackup', '--clean']);
    expect(clean.exitCode, clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(/removed db\/default-\S+ \(retention\)/);
    expect(await objects(project.remote)).toHaveLength(4);
  });

  it('a failed newest backup (from the run log) blocks pruning until a backup succeeds', async () => {
    const project = await createProject();
    const config = {
      remote: './backups',
      databases: { default: 'sqlite:./app.db' },
      db: { keep: 1 },
      log: { file: './logs/runs.ndjson' },
    };
    await writeConfig(project.dir, config);
    await backups(project, 2);
    const binary = await failingSqlite(project.dir);
    await writeConfig(project.dir, {
      ...config,
      databases: { default: { connector: 'sqlite', path: './app.db', binary } },
    });
    const failed = await bk(project.dir, ['dbbackup']);
    expect(failed.exitCode).toBe(1);
    const log = await readRunLog(join(project.dir, 'logs/runs.ndjson'));
    expect(log.at(-1)).toMatchObject({ command: 'dbbackup', database: 'default', status: 'failed' });
    expect(String(log.at(-1)?.error)).toContain('disk I/O error');

    await writeConfig(project.dir, config);
    const before = await objects(project.remote);
    const refused = await bk(project.dir, ['cleanup']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(
      /the last backup of default \([^)]+\) failed: .*disk I\/O error.*not pruning/,
    );
    expect(refused.stdout).toMatch(/remove \(refused\)/);
    expect(await objects(project.remote)).toEqual(before);

    await backups(project, 1);
    const cleaned = await bk(project.dir, ['cleanup']);
    expect(cleaned.exitCode, cleaned.stderr).toBe(0);
    expect(await objects(project.remote)).toHaveLength(2);
  });

  it('without a run log, the failure record a failed run left on the remote blocks pruning', async () => {
    // As if the backups ran on another host: cleanup here has no run log, only the remote.
    const project = await createProject();
    const config = { remote: './backups', databases: { default: 'sqlite:./app.db' }, db: { keep: 1 } };
    await writeConfig(project.dir, config);
    await backups(project, 2);
    const binary = await failingSqlite(project.dir);
    await writeConfig(project.dir, {
      ...config,
      databases: { default: { connector: 'sqlite', path: './app.db', binary } },
    });
    expect((await bk(project.dir, ['dbbackup'])).exitCode).toBe(1);
    await writeConfig(project.dir, config);
    const before = await objects(project.remote);
    const refused = await bk(project.dir, ['cleanup']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(
        `the last backup of default \\(\\S+ on ${hostname()}\\) failed: .*disk I/O error.*not pruning`,
      ),
    );
    expect(await objects(project.remote)).toEqual(before);
    // dbbackup --clean prunes after its own success, which also clears the record.
    const clean = await bk(project.dir, ['dbbackup', '--clean']);
    expect(clean.exitCode, clean.stderr).toBe(0);
    expect(await objects(project.remote)).toHaveLength(2);
    expect((await bk(project.dir, ['cleanup'])).exitCode).toBe(0);
  });

  it('a newest backup that does not verify blocks pruning', async () => {
    const project = await createProject({ db: { keep: 1 } });
    await backups(project, 2);
    const before = await objects(project.remote);
    const [newest = ''] = await newestFirst(project);
    // Same size, one byte changed: only re-reading the sha256 finds it.
    const file = join(project.remote, 'db', newest);
    const original = await readFile(file);
    const flipped = Buffer.from(original);
    flipped[flipped.length - 2] = (flipped[flipped.length - 2] ?? 0) ^ 0x20;
    await writeFile(file, flipped);
    const refused = await bk(project.dir, ['cleanup']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`the newest backup db/${newest} does not verify`);
    expect(await objects(project.remote)).toEqual(before);
    // Restore the bytes: cleanup prunes again.
    await writeFile(file, original);
    const cleaned = await bk(project.dir, ['cleanup']);
    expect(cleaned.exitCode, cleaned.stderr).toBe(0);
    expect(await objects(project.remote)).toEqual([newest, `${newest}.json`]);
  });
});
