import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createStorage, listBackups } from '@bk/core';
import { describe, expect, it } from 'vitest';
import { bk, tempDir, writeConfig } from './helpers.js';

const DAY = 86_400_000;

/** A SQLite database holding one value, and a bk project around it with `keep`. */
async function project(keep: unknown) {
  const dir = await tempDir('bk-time-');
  const file = join(dir, 'app.db');
  const db = new DatabaseSync(file);
  db.exec("CREATE TABLE item (value TEXT); INSERT INTO item VALUES ('old');");
  db.close();
  await writeConfig(dir, { remote: './remote', databases: { default: `sqlite:${file}` }, db: { keep } });
  const setValue = (value: string) => {
    const handle = new DatabaseSync(file);
    handle.prepare('UPDATE item SET value = ?').run(value);
    handle.close();
  };
  const value = () => {
    const handle = new DatabaseSync(file);
    const row = handle.prepare('SELECT value FROM item').get() as { value: string };
    handle.close();
    return row.value;
  };
  return { dir, remote: join(dir, 'remote'), setValue, value };
}

async function backup(dir: string, env: Record<string, string> = {}, args: string[] = []) {
  const result = await bk(dir, ['dbbackup', ...args], { env });
  expect(result.exitCode, result.stderr).toBe(0);
}

/** Rewrites a manifest on the remote as a host with a wrong clock (or a remote writer) would. */
async function redate(remote: string, name: string, shiftMs: number) {
  const path = join(remote, 'db', `${name}.json`);
  const manifest = JSON.parse(await readFile(path, 'utf8'));
  manifest.startedAt = new Date(Date.parse(manifest.startedAt) + shiftMs).toISOString();
  manifest.finishedAt = new Date(Date.parse(manifest.finishedAt) + shiftMs).toISOString();
  await writeFile(path, `${JSON.stringify(manifest)}\n`);
}

describe('time: manifest dates are not trusted blindly', () => {
  it('a manifest dated a year ahead is flagged, never "latest", and retention deletes no real backup', async () => {
    const { dir, remote, setValue, value } = await project({ within: '7d' });
    await backup(dir);
    const [forged] = await listBackups({ storage: createStorage(remote) });
    await redate(remote, forged!.name, 365 * DAY);
    setValue('new');
    for (let run = 0; run < 4; run++) await backup(dir);

    const listed = await bk(dir, ['listbackups', '--json']);
    expect(listed.exitCode, listed.stderr).toBe(0);
    const entries = JSON.parse(listed.stdout) as { name: string; future?: boolean; warning?: string }[];
    expect(entries).toHaveLength(5);
    expect(entries[0]!.name).not.toBe(forged!.name);
    const flagged = entries.find((entry) => entry.name === forged!.name);
    expect(flagged?.future).toBe(true);
    expect(flagged?.warning).toMatch(/future/);
    expect(entries.filter((entry) => entry.future)).toHaveLength(1);
    const table = await bk(dir, ['listbackups']);
    expect(table.stdout).toMatch(/future/i);

    // Plain dbrestore restores the newest trustworthy backup, not the forged one.
    setValue('changed');
    const restored = await bk(dir, ['dbrestore', '--noinput']);
    expect(restored.exitCode, restored.stderr).toBe(0);
    expect(value()).toBe('new');

    // The forged date anchors no `within` window: every real backup stays, and so does the forged one.
    const dryRun = await bk(dir, ['cleanup', '--dry-run']);
    expect(dryRun.exitCode, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toMatch(/dated in the future/);
    const cleanup = await bk(dir, ['cleanup']);
    expect(cleanup.exitCode, cleanup.stderr).toBe(0);
    expect(await listBackups({ storage: createStorage(remote) })).toHaveLength(5);

    // `-i` still restores the flagged backup when asked explicitly.
    const explicit = await bk(dir, ['dbrestore', '--noinput', '-i', forged!.name]);
    expect(explicit.exitCode, explicit.stderr).toBe(0);
    expect(value()).toBe('old');
  }, 120_000);

  it('this host an hour ahead: dbbackup --clean and cleanup delete no backup', async () => {
    const { dir, remote } = await project({ within: '1h' });
    for (let run = 0; run < 3; run++) await backup(dir);
    const ahead = { BK_TEST_CLOCK_OFFSET_MS: String(3_600_000) };
    await backup(dir, ahead, ['--clean']);
    const cleanup = await bk(dir, ['cleanup'], { env: ahead });
    expect(cleanup.exitCode, cleanup.stderr).toBe(0);
    const listed = await listBackups({ storage: createStorage(remote) });
    expect(listed).toHaveLength(4);
    // A host with a correct clock sees the fast host's backup as dated in the future.
    expect(listed.filter((backup) => backup.future)).toHaveLength(1);
    const correct = await bk(dir, ['cleanup']);
    expect(correct.exitCode, correct.stderr).toBe(0);
    expect(await listBackups({ storage: createStorage(remote) })).toHaveLength(4);
  }, 120_000);

  it('a manifest back-dated by years cannot make retention delete the newest written backup', async () => {
    const { dir, remote } = await project({ last: 2 });
    for (let run = 0; run < 3; run++) await backup(dir);
    const [newest] = await listBackups({ storage: createStorage(remote) });
    await redate(remote, newest!.name, -3 * 365 * DAY);
    const cleanup = await bk(dir, ['cleanup']);
    expect(cleanup.exitCode, cleanup.stderr).toBe(0);
    const names = (await listBackups({ storage: createStorage(remote) })).map((backup) => backup.name);
    expect(names).toContain(newest!.name);
  }, 120_000);

  it('--max-age is not satisfied by a manifest dated in the future', async () => {
    const { dir, remote } = await project({ last: 5 });
    await backup(dir);
    const [only] = await listBackups({ storage: createStorage(remote) });
    await redate(remote, only!.name, -30 * DAY);
    await backup(dir);
    const [second] = (await listBackups({ storage: createStorage(remote) })).filter(
      (backup) => backup.name !== only!.name,
    );
    await redate(remote, second!.name, 30 * DAY);
    const fresh = await bk(dir, ['listbackups', '--max-age', '2d']);
    expect(fresh.exitCode, fresh.stdout).toBe(1);
  }, 120_000);
});

describe('time: one duration grammar for config and flags', () => {
  it('keep.within "5m" is a config error naming the key and suggesting min or mo', async () => {
    const { dir } = await project({ within: '5m' });
    const result = await bk(dir, ['cleanup', '--dry-run']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/db\.keep\.within|db\.keep/);
    expect(result.stderr).toMatch(/ambiguous/);
    expect(result.stderr).toMatch(/min/);
    expect(result.stderr).toMatch(/mo/);
  });

  it('--max-age 90m is the same error; 90min and 5mo are read the same way everywhere', async () => {
    const { dir } = await project({ within: '5mo' });
    const ambiguous = await bk(dir, ['listbackups', '--max-age', '90m']);
    expect(ambiguous.exitCode).toBe(2);
    expect(ambiguous.stderr).toMatch(/--max-age.*ambiguous/);
    expect(ambiguous.stderr).toMatch(/90min/);
    const waitAmbiguous = await bk(dir, ['cleanup', '--dry-run', '--wait', '5m']);
    expect(waitAmbiguous.exitCode).toBe(2);
    expect(waitAmbiguous.stderr).toMatch(/--wait.*ambiguous/);
    await backup(dir);
    const minutes = await bk(dir, ['listbackups', '--max-age', '90min']);
    expect(minutes.exitCode, minutes.stderr).toBe(0);
    const dryRun = await bk(dir, ['cleanup', '--dry-run', '--wait', '1min']);
    expect(dryRun.exitCode, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toMatch(/within 5mo/);
  });
});
