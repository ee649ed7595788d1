import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { createStorage, listBackups, verifyBackup } from '@bk/core';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, bk, filesUnder, tempDir, writeConfig } from './helpers.js';

/**
 * Kills bk (SIGKILL, then SIGINT) at each phase boundary of a backup and of a prune, using the
 * test-only hook `BK_TEST_PAUSE_AT=<phase>`: bk writes `BK_TEST_PAUSE_MARKER` and waits there, so
 * the kill lands exactly between two steps. After each kill: nothing incomplete is listed, every
 * listed backup verifies, whatever is left outside complete backups is named by
 * `cleanup --dry-run` and removed by `cleanup`, and the next backup succeeds.
 */
type Phase = 'staged' | 'moved' | 'committed' | 'pruning';
const CASES: { command: 'dbbackup' | 'cleanup'; phase: Phase }[] = [
  { command: 'dbbackup', phase: 'staged' },
  { command: 'dbbackup', phase: 'moved' },
  { command: 'dbbackup', phase: 'committed' },
  { command: 'dbbackup', phase: 'pruning' },
  { command: 'cleanup', phase: 'pruning' },
];

let dir = '';
let remote = '';
const env = { BK_TEST_PAUSE_AT: '', BK_TEST_PAUSE_MARKER: '' };

beforeAll(async () => {
  dir = await tempDir('bk-phase-');
  remote = join(dir, 'remote');
  const file = join(dir, 'app.db');
  const db = new DatabaseSync(file);
  db.exec(`CREATE TABLE items (id INTEGER PRIMARY KEY, body TEXT);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
    INSERT INTO items (body) SELECT hex(randomblob(20)) FROM n;`);
  db.close();
  await writeConfig(dir, {
    remote: './remote',
    databases: { default: `sqlite:${file}` },
    db: { keep: { last: 2 } },
    log: { file: './runs.ndjson' },
  });
  env.BK_TEST_PAUSE_MARKER = join(dir, 'paused');
  // Not bk's: a file copied by hand (a django-dbbackup backup), a week old. No sweep may touch it.
  await mkdir(join(remote, 'db'), { recursive: true });
  await writeFile(join(remote, 'db', FOREIGN), 'not a bk backup');
  const weekAgo = new Date(Date.now() - 7 * 86_400_000);
  await utimes(join(remote, 'db', FOREIGN), weekAgo, weekAgo);
}, 60_000);

const FOREIGN = 'default-2020-01-01-000000.dump';

/** Top-level objects of `db/` and everything in `db/.partial/` that is not part of a listed backup. */
async function leftovers(): Promise<string[]> {
  const listed = await listBackups({ storage: createStorage(remote) });
  const complete = new Set(listed.flatMap((backup) => [backup.name, `${backup.name}.json`]));
  const files = await filesUnder(join(remote, 'db'));
  return files
    .filter((path) => !path.startsWith('.locks/') && !path.startsWith('.partial/.failed-'))
    .filter((path) => !complete.has(path) && path !== FOREIGN)
    .map((path) => `db/${path}`);
}

async function ensureBackups(count: number) {
  while ((await listBackups({ storage: createStorage(remote) })).length < count) {
    const made = await bk(dir, ['dbbackup']);
    expect(made.exitCode, made.stderr).toBe(0);
  }
}

async function pausedRun(command: 'dbbackup' | 'cleanup', phase: Phase) {
  await rm(env.BK_TEST_PAUSE_MARKER, { force: true });
  const args = command === 'dbbackup' ? ['dbbackup', '--clean'] : ['cleanup'];
  const child = execa(process.execPath, [BIN, ...args], {
    cwd: dir,
    reject: false,
    input: '',
    env: { ...env, BK_TEST_PAUSE_AT: phase, NO_COLOR: '1', BK_CONFIG: undefined, BK_REMOTE: undefined },
  });
  let exited = false;
  void child.then(() => {
    exited = true;
  });
  const deadline = Date.now() + 30_000;
  while (!existsSync(env.BK_TEST_PAUSE_MARKER)) {
    if (exited || Date.now() > deadline) {
      child.kill('SIGKILL');
      const result = await child;
      throw new Error(`bk ${command} never paused at ${phase} (exit ${result.exitCode}): ${result.stderr}`);
    }
    await sleep(20);
  }
  // Wrapped: an async function returning the (thenable) subprocess would wait for it to exit.
  return { child };
}

describe('kills at every phase boundary', () => {
  for (const signal of ['SIGKILL', 'SIGINT'] as const) {
    for (const { command, phase } of CASES) {
      it(`${signal} of bk ${command} at "${phase}" leaves only complete backups and named leftovers`, async () => {
        await ensureBackups(command === 'cleanup' ? 3 : 2);
        const before = (await listBackups({ storage: createStorage(remote) })).map((backup) => backup.name);
        const { child } = await pausedRun(command, phase);
        child.kill(signal);
        const result = await child;
        if (signal === 'SIGKILL') expect(result.signal).toBe('SIGKILL');
        else {
          expect(result.exitCode, result.stderr).toBe(130);
          // Logged as interrupted, not failed (docs/operations.md).
          const records = (await readFile(join(dir, 'runs.ndjson'), 'utf8'))
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as { command: string; status: string });
          const status = records.filter((record) => record.command === command).at(-1)?.status;
          // Stopped while pruning, the backup itself had completed: its record may say so.
          if (command === 'dbbackup' && phase === 'pruning')
            expect(['interrupted', 'succeeded']).toContain(status);
          else expect(status).toBe('interrupted');
        }

        // Nothing incomplete is listed, and every listed backup verifies.
        const storage = createStorage(remote);
        const listed = await listBackups({ storage });
        for (const backup of listed) await verifyBackup({ storage, backup });
        const names = listed.map((backup) => backup.name);
        if (phase === 'staged' || phase === 'moved') expect(names).toEqual(before);
        else expect(names.length).toBeGreaterThanOrEqual(before.length - 1);

        // Leftovers: none after SIGINT (bk cleans up on its way out); after SIGKILL each is named.
        const left = await leftovers();
        if (signal === 'SIGINT') expect(left).toEqual([]);
        if (phase === 'moved' && signal === 'SIGKILL')
          expect(left.some((path) => !path.includes('.partial/'))).toBe(true);
        // A kill -9 leaves the run's lock behind, which the next run turns into a failure record:
        // cleanup then sweeps but refuses to prune (exit 1) until a backup succeeds. An interrupted
        // run (SIGINT) does not block pruning.
        const dryRun = await bk(dir, ['cleanup', '--dry-run', '--partials-older-than', '0']);
        if (signal === 'SIGINT') expect(dryRun.exitCode, dryRun.stderr).toBe(0);
        for (const path of left) expect(dryRun.stdout).toContain(path);
        expect(await leftovers()).toEqual(left);

        const cleanup = await bk(dir, ['cleanup', '--partials-older-than', '0']);
        if (signal === 'SIGINT') expect(cleanup.exitCode, `${cleanup.stdout}\n${cleanup.stderr}`).toBe(0);
        else if (cleanup.exitCode !== 0)
          expect(cleanup.stderr).toMatch(/not pruning until a backup succeeds/);
        expect(await leftovers()).toEqual([]);
        const partial = await filesUnder(join(remote, 'db', '.partial'));
        expect(partial.filter((path) => !path.startsWith('.failed-'))).toEqual([]);

        const next = await bk(dir, ['dbbackup']);
        expect(next.exitCode, next.stderr).toBe(0);
        const after = await bk(dir, ['cleanup']);
        expect(after.exitCode, `${after.stdout}\n${after.stderr}`).toBe(0);
        expect(existsSync(join(remote, 'db', FOREIGN))).toBe(true);
      }, 60_000);
    }
  }
});
