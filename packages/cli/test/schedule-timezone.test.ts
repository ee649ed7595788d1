import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv, createProject, writeConfig } from './helpers.js';

// docs/operations.md: a bad schedule setting is exit 2 naming the key, never croner's raw message.
describe('schedule time zones', () => {
  it.each([
    [
      { timezone: 'Mars/Olympus_Mons', jobs: [{ cron: '0 3 * * *', command: 'dbbackup' }] },
      'schedule.timezone',
    ],
    [
      { jobs: [{ cron: '0 3 * * *', command: 'dbbackup', timezone: 'Europe/Atlantis' }] },
      'schedule.jobs[0].timezone',
    ],
  ])('an unknown IANA zone is exit 2 naming %s', async (schedule, key) => {
    const project = await createProject();
    await writeConfig(project.dir, {
      remote: './backups',
      databases: { default: 'sqlite:./app.db' },
      schedule,
    });
    const result = await execa('node', [BIN, 'schedule', '--list'], {
      cwd: project.dir,
      env: cleanEnv(),
      reject: false,
    });
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(
      `bk: ${key}: expected an IANA time zone such as "Europe/Paris" or "UTC"`,
    );
  });

  it('a valid zone is accepted', async () => {
    const project = await createProject();
    await writeConfig(project.dir, {
      remote: './backups',
      databases: { default: 'sqlite:./app.db' },
      schedule: { timezone: 'Europe/Paris', jobs: [{ cron: '0 3 * * *', command: 'dbbackup' }] },
    });
    const result = await execa('node', [BIN, 'schedule', '--list'], { cwd: project.dir, env: cleanEnv() });
    expect(result.stdout).toMatch(/^dbbackup-1 .*next \d{4}-/m);
  });
});
