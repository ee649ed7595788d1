import { ConfigError } from '@bk/core';
import { Cron } from 'croner';
import type { CommandContext } from '../context.js';
import { type JobAttempt, Scheduler } from '../ops/scheduler.js';

/** Options of `bk schedule`. */
export interface ScheduleOptions {
  list?: boolean;
}

/** `bk schedule` stops gracefully: SIGTERM/SIGINT let the running job finish, then it exits 0. */
export const gracefulStop = true;

/**
 * `bk schedule`: runs the jobs of `schedule.jobs` on their cron expressions in a long-running
 * process, each job as a child `bk` process, one at a time; `--list` prints the jobs and their next
 * runs and exits.
 */
export async function run(context: CommandContext, options: ScheduleOptions) {
  const { reporter, signal } = context;
  const config = await context.config();
  const jobs = config.ops.jobs;
  if (jobs.length === 0) {
    throw new ConfigError('schedule.jobs is not set, so there is nothing to schedule', {
      key: 'schedule.jobs',
      hint: 'add "schedule": { "jobs": [{ "cron": "0 3 * * *", "command": "dbbackup", "args": ["--all", "--clean"] }] }',
    });
  }
  for (const [index, job] of jobs.entries()) {
    try {
      new Cron(job.cron, { paused: true, ...(job.timezone ? { timezone: job.timezone } : {}) }).stop();
    } catch (error) {
      throw new ConfigError(`invalid cron expression "${job.cron}": ${(error as Error).message}`, {
        key: `schedule.jobs[${index}].cron`,
        hint: 'use 5 fields (minute hour day month weekday), or 6 with seconds first',
        cause: error,
      });
    }
  }
  if (options.list) {
    for (const job of jobs) {
      const next = new Cron(job.cron, { paused: true, ...(job.timezone ? { timezone: job.timezone } : {}) });
      reporter.print(
        `${job.name}  "${job.cron}"  bk ${[job.command, ...job.args].join(' ')}  next ${next.nextRun()?.toISOString() ?? 'never'}`,
      );
      next.stop();
    }
    return { jobs };
  }
  const bin = process.argv[1];
  if (!bin) throw new Error('cannot tell where the bk binary is (process.argv[1] is empty)');
  const attempts: JobAttempt[] = [];
  const scheduler = new Scheduler({
    jobs,
    bk: [process.execPath, bin, ...(config.file ? ['--config', config.file] : [])],
    signal,
    log: (line) => reporter.note(`schedule: ${line}`),
    warn: (line) => reporter.warn(`schedule: ${line}`),
    onAttempt: (attempt) => attempts.push(attempt),
  });
  await scheduler.run();
  reporter.note('schedule: stopped');
  return { stopped: true, attempts };
}
