import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv, createProject, filesUnder, writeConfig } from './helpers.js';
import { readRunLog } from './ops-helpers.js';

describe('bk schedule', () => {
  it('runs a job on a fast cron, twice, then stops cleanly on SIGTERM (exit 0)', async () => {
    const project = await createProject();
    await writeConfig(project.dir, {
      remote: './backups',
      databases: { default: 'sqlite:./app.db' },
      log: { file: './runs.ndjson' },
      schedule: {
        jobs: [{ name: 'nightly', cron: '*/2 * * * * *', command: 'dbbackup', args: ['--quiet'] }],
      },
    });
    const list = await execa('node', [BIN, 'schedule', '--list'], {
      cwd: project.dir,
      env: cleanEnv(),
      reject: false,
    });
    expect(list.exitCode).toBe(0);
    expect(list.stdout).toMatch(/^nightly {2}"\*\/2 \* \* \* \* \*" {2}bk dbbackup --quiet {2}next \S+Z$/);

    const child = execa('node', [BIN, 'schedule'], { cwd: project.dir, env: cleanEnv(), reject: false });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const deadline = Date.now() + 40_000;
    while ((stderr.match(/nightly: done/g) ?? []).length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode, stderr).toBe(0);
    expect((stderr.match(/nightly: done/g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(stderr).toContain('schedule: stopped');
    const records = await readRunLog(join(project.dir, 'runs.ndjson'));
    expect(records.length).toBeGreaterThanOrEqual(2);
    expect(records.every((record) => record.status === 'succeeded')).toBe(true);
    const manifests = (await filesUnder(join(project.remote, 'db'))).filter((file) =>
      /^default-.*\.json$/.test(file),
    );
    expect(manifests.length).toBe(records.length);
  });

  it('retries a run that failed (exit 1) after its delay; SIGTERM mid-run lets the run finish, then exits 0', async () => {
    const project = await createProject();
    // Every rclone call takes 0.4 s (a backup is several seconds), and the first upload fails once.
    const rclone = join(project.dir, 'slow-rclone');
    writeFileSync(
      rclone,
      `#!/bin/sh\nsleep 0.4\nif [ "$1" = rcat ] && [ ! -e "${project.dir}/failed-once" ]; then\n  touch "${project.dir}/failed-once"; echo "injected upload failure" >&2; exit 1\nfi\nexec rclone "$@"\n`,
      { mode: 0o755 },
    );
    await writeConfig(project.dir, {
      remote: './backups',
      rclone: { binary: rclone },
      databases: { default: 'sqlite:./app.db' },
      schedule: {
        jobs: [
          {
            name: 'nightly',
            cron: '* * * * * *',
            command: 'dbbackup',
            args: ['--quiet'],
            retries: 2,
            retryDelay: '1s',
          },
        ],
      },
    });
    // execa would SIGKILL 5 s after kill(): this run must be allowed to finish its job.
    const child = execa('node', [BIN, 'schedule'], {
      cwd: project.dir,
      env: cleanEnv(),
      reject: false,
      forceKillAfterDelay: false,
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const deadline = Date.now() + 40_000;
    while (!stderr.includes('nightly: starting (retry 1 of 2)') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(stderr).toMatch(/nightly: exited 1; retrying in 1 s/);
    // The retry is running now: stopping must let it finish.
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode, stderr).toBe(0);
    const stopping = stderr.indexOf('stopping: waiting for the running job to finish');
    expect(stopping, stderr).toBeGreaterThan(-1);
    expect(stderr.indexOf('nightly: done'), stderr).toBeGreaterThan(stopping);
    expect(stderr.match(/nightly: starting/g)).toHaveLength(2);
    const manifests = (await filesUnder(join(project.remote, 'db'))).filter((file) =>
      /^default-.*\.json$/.test(file),
    );
    expect(manifests).toHaveLength(1);
  });

  it('refuses a config without jobs or with a bad cron expression (exit 2)', async () => {
    const project = await createProject();
    const none = await execa('node', [BIN, 'schedule'], { cwd: project.dir, env: cleanEnv(), reject: false });
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('schedule.jobs is not set');
    await writeConfig(project.dir, {
      remote: './backups',
      databases: { default: 'sqlite:./app.db' },
      schedule: { jobs: [{ cron: 'every day', command: 'dbbackup' }] },
    });
    const bad = await execa('node', [BIN, 'schedule'], { cwd: project.dir, env: cleanEnv(), reject: false });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('schedule.jobs[0].cron');
  });
});
