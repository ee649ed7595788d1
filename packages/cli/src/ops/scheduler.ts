import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Cron } from 'croner';
import type { ScheduleJob } from '../config/ops-config.js';

/** How one attempt of a job ended. */
export interface JobAttempt {
  job: string;
  attempt: number;
  exitCode: number;
  durationMs: number;
}

/** Options of {@link Scheduler}. */
export interface SchedulerOptions {
  /** The jobs, each with its cron expression. */
  jobs: readonly ScheduleJob[];
  /** The argv prefix of a child `bk` run: `[node, bin.js, "--config", file]`. */
  bk: readonly string[];
  /** Aborted to stop: no new runs start, the running one finishes. */
  signal: AbortSignal;
  /** Human log lines (the reporter's `note`/`warn`). */
  log: (line: string) => void;
  warn: (line: string) => void;
  /** Called after every attempt (tests, `--json`). */
  onAttempt?: (attempt: JobAttempt) => void;
}

/**
 * Runs jobs on their cron expressions, each as a child `bk` process (its own process group, so a
 * Ctrl-C in the terminal reaches only the scheduler, which then lets the child finish). Guarantees:
 * one job at a time in this process (a tick that finds the same job still running or queued is
 * skipped; other jobs wait their turn); random jitter before each run; a run that fails with exit 1
 * is retried `retries` times, waiting `retryDelay`, then twice that, ...; exit 2 (usage or config)
 * is not retried. Across hosts, the child bk runs take the remote lock of each database.
 */
export class Scheduler {
  readonly #options: SchedulerOptions;
  readonly #crons: Cron[] = [];
  readonly #queued = new Set<string>();
  #chain: Promise<void> = Promise.resolve();
  #child: ReturnType<typeof spawn> | undefined;

  constructor(options: SchedulerOptions) {
    this.#options = options;
  }

  /** Starts every cron and resolves when stopped (signal aborted) and the running job has finished. */
  async run(): Promise<void> {
    const { signal } = this.#options;
    const killChild = () => this.#child?.kill('SIGTERM');
    process.on('exit', killChild);
    try {
      for (const job of this.#options.jobs) {
        const cron = new Cron(
          job.cron,
          { ...(job.timezone ? { timezone: job.timezone } : {}), catch: true, name: job.name },
          () => this.#tick(job),
        );
        this.#crons.push(cron);
        this.#options.log(
          `${job.name}: bk ${[job.command, ...job.args].join(' ')} on "${job.cron}", next ${cron.nextRun()?.toISOString() ?? 'never'}`,
        );
      }
      if (!signal.aborted)
        await new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => resolve(), { once: true }),
        );
      for (const cron of this.#crons) cron.stop();
      if (this.#child) this.#options.log('stopping: waiting for the running job to finish');
      await this.#chain;
    } finally {
      process.off('exit', killChild);
    }
  }

  #tick(job: ScheduleJob): void {
    if (this.#options.signal.aborted) return;
    if (this.#queued.has(job.name)) {
      this.#options.warn(`${job.name}: previous run still running or queued; skipping this tick`);
      return;
    }
    this.#queued.add(job.name);
    this.#chain = this.#chain.then(() => this.#runJob(job)).finally(() => this.#queued.delete(job.name));
  }

  async #runJob(job: ScheduleJob): Promise<void> {
    const { signal } = this.#options;
    if (job.jitterMs > 0 && !(await this.#wait(Math.random() * job.jitterMs))) return;
    for (let attempt = 1; !signal.aborted; attempt++) {
      const started = Date.now();
      this.#options.log(
        `${job.name}: starting${attempt > 1 ? ` (retry ${attempt - 1} of ${job.retries})` : ''}`,
      );
      const exitCode = await this.#spawn(job);
      const durationMs = Date.now() - started;
      this.#options.onAttempt?.({ job: job.name, attempt, exitCode, durationMs });
      if (exitCode === 0) {
        this.#options.log(`${job.name}: done in ${(durationMs / 1000).toFixed(1)} s`);
        return;
      }
      const retry = exitCode === 1 && attempt <= job.retries && !signal.aborted;
      const delay = job.retryDelayMs * 2 ** (attempt - 1);
      this.#options.warn(
        `${job.name}: exited ${exitCode}${retry ? `; retrying in ${Math.round(delay / 1000)} s` : exitCode === 2 ? ' (usage or config error: not retried)' : ''}`,
      );
      if (!retry || !(await this.#wait(delay))) return;
    }
  }

  /** Waits `ms`, or less when stopped; true when the wait ran out normally. */
  async #wait(ms: number): Promise<boolean> {
    try {
      await sleep(ms, undefined, { signal: this.#options.signal });
      return true;
    } catch {
      return false;
    }
  }

  #spawn(job: ScheduleJob): Promise<number> {
    const [command, ...prefix] = this.#options.bk;
    return new Promise((resolve) => {
      const child = spawn(command!, [...prefix, job.command, ...job.args], {
        stdio: ['ignore', 'inherit', 'inherit'],
        detached: true,
      });
      this.#child = child;
      child.on('error', (error) => {
        this.#options.warn(`${job.name}: could not start bk: ${error.message}`);
      });
      child.on('close', (code, signal) => {
        this.#child = undefined;
        resolve(code ?? (signal ? 128 + (signal === 'SIGKILL' ? 9 : 15) : 1));
      });
    });
  }
}
