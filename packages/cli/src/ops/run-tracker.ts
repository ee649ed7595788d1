import { hostname } from 'node:os';
import {
  type BkEvent,
  createNotifier,
  type Notifier,
  type NotifyEvent,
  type NotifyResult,
  sendNotifications,
} from '@bk/core';
import type { ResolvedConfig } from '../config/types.js';
import { summarizeError } from '../output/error-output.js';
import { redactOutput } from '../output/output-redactor.js';
import type { Reporter } from '../output/reporter.js';
import { updateMetricsFile } from './metrics-file.js';
import { appendRunLog } from './run-log.js';
import type { RunRecord } from './run-record.js';

/** Commands that do work: they get notifications, a run log record and metrics. */
export const TRACKED_COMMANDS: ReadonlySet<string> = new Set([
  'dbbackup',
  'dbrestore',
  'mediabackup',
  'mediarestore',
  'cleanup',
  'verify',
]);

/**
 * Commands that only look: they get a run log record (a `listbackups --max-age` check that failed
 * is worth an audit line), but no notifications and no metrics. `schedule` is not here: each job
 * it runs is a bk command that logs itself.
 */
export const LOGGED_COMMANDS: ReadonlySet<string> = new Set(['listbackups', 'doctor']);

/** How a command ended, for {@link RunTracker.finish}. */
export interface RunOutcome {
  status: 'succeeded' | 'failed' | 'interrupted';
  /** The command's result object (or the partial one of a `CommandFailedError`). */
  result?: Record<string, unknown> | undefined;
  /** The error, when it failed. */
  error?: unknown;
}

interface DatabaseState {
  start: number;
  end?: number;
  bytes?: number;
  status?: 'succeeded' | 'failed' | 'interrupted';
  error?: string;
}

/**
 * Watches one command run: collects core's per-database events, sends notifications (`started`
 * as databases start, `succeeded`/`failed` at the end), appends the run log and updates the
 * metrics file. Nothing here can fail the command: every problem becomes a warning.
 */
export class RunTracker {
  readonly #command: string;
  readonly #reporter: Reporter;
  readonly #notifiers: Notifier[];
  readonly #logFile: string | undefined;
  readonly #metricsFile: string | undefined;
  readonly #selected: string | undefined;
  readonly #start = Date.now();
  readonly #host = hostname();
  readonly #databases = new Map<string, DatabaseState>();
  /** Warning messages by database, for the run log (at most 100 each). */
  readonly #warnings = new Map<string, string[]>();
  readonly #pending: Promise<NotifyResult[]>[] = [];

  constructor(options: {
    command: string;
    reporter: Reporter;
    config: ResolvedConfig | undefined;
    metricsFile: string | undefined;
    selected: string | undefined;
    /** Only the run log: no notifications, no metrics (`LOGGED_COMMANDS`). @default false */
    logOnly?: boolean;
  }) {
    this.#command = options.command;
    this.#reporter = options.reporter;
    this.#selected = options.selected;
    this.#logFile = options.config?.ops.logFile;
    this.#metricsFile = options.logOnly
      ? undefined
      : (options.metricsFile ?? options.config?.ops.metricsFile);
    this.#notifiers = [];
    const notify = options.logOnly ? [] : (options.config?.ops.notify ?? []);
    for (const [index, entry] of notify.entries()) {
      try {
        this.#notifiers.push(createNotifier(entry, `notify[${index}]`));
      } catch (error) {
        this.#reporter.warn(`notify[${index}]: ${summarizeError(error).message}`);
      }
    }
  }

  /** Sends the run's `started` event (run-scope notifiers: healthchecks `/start`). */
  started(): void {
    this.#send('run', { event: 'started', scope: 'run', database: this.#selected });
  }

  /** Listener for core's events (tapped from the reporter). */
  readonly onEvent = (event: BkEvent): void => {
    if (event.type === 'warning') {
      const warnings = this.#warnings.get(event.database) ?? [];
      if (warnings.length < 100) warnings.push(event.message);
      this.#warnings.set(event.database, warnings);
      return;
    }
    if (event.type !== 'started' && event.type !== 'completed' && event.type !== 'failed') return;
    const database = event.database;
    let state = this.#databases.get(database);
    if (event.type === 'started') {
      if (!state) {
        state = { start: Date.now() };
        this.#databases.set(database, state);
        this.#send('database', { event: 'started', scope: 'database', database });
      }
      return;
    }
    state ??= { start: this.#start };
    this.#databases.set(database, state);
    state.end = Date.now();
    if (event.type === 'completed') {
      state.bytes = (state.bytes ?? 0) + event.bytes;
      if (state.status !== 'failed') state.status = 'succeeded';
    } else {
      // Ctrl-C or SIGTERM stopped it (exit 130): `interrupted`, which does not block retention.
      const summary = summarizeError(event.error);
      state.status = summary.exitCode === 130 ? 'interrupted' : 'failed';
      state.error = summary.message;
    }
  };

  /** Ends the run: records, run log, metrics, final notifications (each bounded by its timeout). */
  async finish(outcome: RunOutcome): Promise<void> {
    const end = Date.now();
    const records = this.#records(outcome, end);
    const runError = outcome.error === undefined ? undefined : summarizeError(outcome.error);
    if (this.#logFile) {
      await appendRunLog(this.#logFile, records).catch((error: unknown) =>
        this.#reporter.warn(`run log ${this.#logFile}: ${summarizeError(error).message}`),
      );
    }
    if (this.#metricsFile) {
      await updateMetricsFile(this.#metricsFile, records).catch((error: unknown) =>
        this.#reporter.warn(`metrics file ${this.#metricsFile}: ${summarizeError(error).message}`),
      );
    }
    const scoped = records.some((record) => record.database !== '' && this.#databases.has(record.database));
    for (const record of records) {
      this.#send('database', {
        event: record.status === 'succeeded' ? 'succeeded' : 'failed',
        scope: scoped ? 'database' : 'run',
        database: record.database || undefined,
        bytes: record.bytes,
        durationMs: record.durationMs,
        error: record.error,
      });
    }
    const failed = outcome.status !== 'succeeded';
    const tail = records.map((record) =>
      record.status === 'succeeded'
        ? `${record.database || this.#command}: succeeded${record.bytes === undefined ? '' : `, ${record.bytes} bytes`} in ${(record.durationMs / 1000).toFixed(1)} s`
        : `${record.database || this.#command}: ${record.status}: ${record.error ?? ''}`,
    );
    if (runError && !tail.some((line) => line.includes(runError.message)))
      tail.push(`bk: ${runError.message}`);
    if (runError?.hint) tail.push(`hint: ${runError.hint}`);
    const databases = [...new Set(records.map((record) => record.database).filter(Boolean))];
    const bytes = records.reduce<number | undefined>(
      (sum, record) => (record.bytes === undefined ? sum : (sum ?? 0) + record.bytes),
      undefined,
    );
    this.#send('run', {
      event: failed ? 'failed' : 'succeeded',
      scope: 'run',
      database: databases.join(',') || this.#selected,
      bytes,
      durationMs: end - this.#start,
      error: failed ? (runError?.message ?? records.find((record) => record.error)?.error) : undefined,
      logTail: [`bk ${this.#command} on ${this.#host}`, ...tail].join('\n').slice(-10_000),
    });
    const results = (await Promise.all(this.#pending)).flat();
    for (const result of results) {
      if (!result.ok) this.#reporter.warn(`${result.type} notification (${result.event}): ${result.error}`);
      else
        this.#reporter.debug(
          `${result.type} ${result.target}: ${result.event} sent in ${result.durationMs} ms`,
        );
    }
  }

  #records(outcome: RunOutcome, end: number): RunRecord[] {
    const host = { host: this.#host, pid: process.pid };
    const summary = outcome.error === undefined ? undefined : summarizeError(outcome.error);
    const runError = summary?.message;
    const records: RunRecord[] = [];
    for (const [database, state] of this.#databases) {
      const status = state.status ?? (outcome.status === 'succeeded' ? 'succeeded' : outcome.status);
      const stop = state.end ?? end;
      records.push({
        command: this.#command,
        database,
        start: new Date(state.start).toISOString(),
        end: new Date(stop).toISOString(),
        status,
        bytes: state.bytes,
        durationMs: stop - state.start,
        error: status === 'succeeded' ? undefined : (state.error ?? runError),
        ...(this.#warnings.has(database) ? { warnings: this.#warnings.get(database) } : {}),
        ...host,
      });
    }
    // Databases that failed before core started them (unreachable, locked) are in the result.
    const failures = Array.isArray(outcome.result?.failed) ? (outcome.result.failed as unknown[]) : [];
    for (const failure of failures) {
      const { database, error } = (failure ?? {}) as { database?: unknown; error?: { message?: unknown } };
      if (typeof database !== 'string' || this.#databases.has(database)) continue;
      records.push({
        command: this.#command,
        database,
        start: new Date(this.#start).toISOString(),
        end: new Date(end).toISOString(),
        status: 'failed',
        bytes: undefined,
        durationMs: end - this.#start,
        error: typeof error?.message === 'string' ? error.message : runError,
        ...host,
      });
    }
    if (records.length === 0) {
      records.push({
        command: this.#command,
        // A usage or config error (exit 2) names no real database: keep bogus names out of metrics.
        database: summary?.exitCode === 2 ? '' : (this.#selected ?? ''),
        start: new Date(this.#start).toISOString(),
        end: new Date(end).toISOString(),
        status: outcome.status,
        bytes: undefined,
        durationMs: end - this.#start,
        error: runError,
        ...host,
      });
    }
    return records;
  }

  #send(scope: 'database' | 'run', partial: Omit<NotifyEvent, 'command' | 'host' | 'time'>): void {
    const notifiers = this.#notifiers.filter((notifier) => notifier.scope === scope);
    if (notifiers.length === 0) return;
    const event: NotifyEvent = {
      ...partial,
      // Payloads leave the machine: masked like every other output.
      ...(partial.error === undefined ? {} : { error: redactOutput(partial.error) }),
      ...(partial.logTail === undefined ? {} : { logTail: redactOutput(partial.logTail) }),
      ...(partial.database === undefined ? {} : { database: redactOutput(partial.database) }),
      command: this.#command,
      host: this.#host,
      time: new Date().toISOString(),
    };
    this.#pending.push(sendNotifications(notifiers, event));
  }
}
