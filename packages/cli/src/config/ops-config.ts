import type { NotifierConfig, NotifyEventType } from '@bk/core';
import { type ParsedOpsConfig, parseDurationText } from './ops-schema.js';

/** A notifier in the config file (`notify` entries). */
export interface NotifierEntry {
  /** `webhook` (the event as JSON), `slack` (a formatted message) or `healthchecks` (`/start`, `/fail` pings). */
  type: 'webhook' | 'slack' | 'healthchecks';
  /** Where to POST. Its path and query are treated as secrets: logs show only the scheme and host. */
  url: string;
  /** Which events to send. @default all three for webhook and healthchecks; succeeded and failed for slack */
  events?: NotifyEventType[];
  /** Extra request headers (webhook only). @default {} */
  headers?: Record<string, string>;
  /** How long to wait for the destination (`"10s"` or milliseconds). @default "10s" */
  timeout?: string | number;
}

/** A job of `bk schedule`. */
export interface ScheduleJobEntry {
  /** Name used in logs. @default "<command>-<index>" */
  name?: string;
  /** Cron expression (5 fields, or 6 with seconds first), read by croner. */
  cron: string;
  /** The bk command to run (`dbbackup`, `mediabackup`, `cleanup`, `verify`, ...). */
  command: string;
  /** Its arguments (`["--all", "--clean"]`). @default [] */
  args?: string[];
  /** Wait a random time up to this before each run (`"5min"`). @default schedule.jitter */
  jitter?: string | number;
  /** Retries after a run that fails with exit code 1. @default schedule.retries */
  retries?: number;
  /** Delay before the first retry; each further retry waits twice as long. @default schedule.retryDelay */
  retryDelay?: string | number;
  /** IANA time zone of the cron expression. @default schedule.timezone */
  timezone?: string;
}

/** The operations keys of the config file. */
export interface OpsConfigKeys {
  /** Notifications sent around every command that does work. @default [] */
  notify?: NotifierEntry[];
  /** The run log: one NDJSON record per database per command run. @default undefined (no run log) */
  log?: {
    /** File the run log is appended to, relative to the config file. */
    file: string;
  };
  /** A Prometheus textfile for node_exporter, rewritten after every run. @default undefined */
  metrics?: {
    /** The textfile, relative to the config file (`--metrics-file` overrides it). */
    file: string;
  };
  /** Jobs for `bk schedule`, with defaults for them. @default undefined */
  schedule?: {
    /** The jobs, run one at a time. */
    jobs: ScheduleJobEntry[];
    /** Default `jitter` of the jobs: the largest random delay before each run. @default 0 */
    jitter?: string | number;
    /** Default `retries` of the jobs: retries after a run that exits 1. @default 2 */
    retries?: number;
    /** Default `retryDelay` of the jobs: the delay before the first retry. @default "30s" */
    retryDelay?: string | number;
    /** Default `timezone` of the jobs (IANA name). @default the system time zone */
    timezone?: string;
  };
}

/** A scheduled job with its defaults applied. */
export interface ScheduleJob {
  /** Name used in logs (`name`, or `<command>-<index>`). */
  name: string;
  /** Cron expression (5 fields, or 6 with seconds first). */
  cron: string;
  /** The bk command to run. */
  command: string;
  /** Its arguments. */
  args: string[];
  /** Largest random delay before each run, in milliseconds. */
  jitterMs: number;
  /** Retries after a run that exits 1. */
  retries: number;
  /** Delay before the first retry, in milliseconds (doubled for each further retry). */
  retryDelayMs: number;
  /** IANA time zone of `cron`, or `undefined` for the system's. */
  timezone: string | undefined;
}

/** The operations settings after loading: paths absolute, durations in milliseconds. */
export interface OpsConfig {
  /** Notifier configs ready for `createNotifier`. */
  notify: NotifierConfig[];
  /** Absolute path of the run log, when set. */
  logFile: string | undefined;
  /** Absolute path of the metrics textfile, when set. */
  metricsFile: string | undefined;
  /** Scheduled jobs (empty when `schedule` is not set). */
  jobs: ScheduleJob[];
}

function toMs(value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  return typeof value === 'number' ? value : (parseDurationText(value) ?? fallback);
}

/** Applies defaults and resolves paths (relative to the config file) of the operations keys. */
export function resolveOpsConfig(parsed: ParsedOpsConfig, resolvePath: (path: string) => string): OpsConfig {
  const schedule = parsed.schedule;
  return {
    notify: (parsed.notify ?? []).map((entry) => {
      const { timeout, ...rest } = entry;
      return {
        ...rest,
        ...(timeout !== undefined ? { timeoutMs: toMs(timeout, 10_000) } : {}),
      } as NotifierConfig;
    }),
    logFile: parsed.log ? resolvePath(parsed.log.file) : undefined,
    metricsFile: parsed.metrics ? resolvePath(parsed.metrics.file) : undefined,
    jobs: (schedule?.jobs ?? []).map((job, index) => ({
      name: job.name ?? `${job.command}-${index + 1}`,
      cron: job.cron,
      command: job.command,
      args: job.args ?? [],
      jitterMs: toMs(job.jitter ?? schedule?.jitter, 0),
      retries: job.retries ?? schedule?.retries ?? 2,
      retryDelayMs: toMs(job.retryDelay ?? schedule?.retryDelay, 30_000),
      timezone: job.timezone ?? schedule?.timezone,
    })),
  };
}
