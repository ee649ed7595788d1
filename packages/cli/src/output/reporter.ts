import type { BkEvent } from '@bk/core';
import colors from 'picocolors';
import { summarizeError } from './error-output.js';
import { redactOutput } from './output-redactor.js';
import { ProgressBars } from './progress-bars.js';

/** How the CLI prints, from the global options. */
export interface ReporterOptions {
  /** `--json`: NDJSON events, then one result object, on stdout. */
  json: boolean;
  /** `--quiet`: errors only. */
  quiet: boolean;
  /** `--verbose`: commands run, debug details and stack traces on stderr. */
  verbose: boolean;
  /** @default process.stdout */
  stdout?: NodeJS.WriteStream;
  /** @default process.stderr */
  stderr?: NodeJS.WriteStream;
}

/**
 * Every byte the CLI prints goes through here. Results go to stdout, everything else (progress,
 * notes, warnings, errors) to stderr, so pipes receive results only. Progress bars appear only when
 * stderr is a terminal and neither `--json` nor `--quiet` is given.
 */
export class Reporter {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly #stdout: NodeJS.WriteStream;
  readonly #stderr: NodeJS.WriteStream;
  readonly #bars: ProgressBars | undefined;
  readonly #taps: ((event: BkEvent) => void)[] = [];

  constructor(options: ReporterOptions) {
    this.json = options.json;
    this.quiet = options.quiet;
    this.verbose = options.verbose;
    this.#stdout = options.stdout ?? process.stdout;
    this.#stderr = options.stderr ?? process.stderr;
    const showBars = this.#stderr.isTTY === true && !this.json && !this.quiet && !process.env.CI;
    this.#bars = showBars ? new ProgressBars(this.#stderr) : undefined;
  }

  /** Listener for core's events (pass it as `onEvent`). */
  readonly onEvent = (event: BkEvent): void => {
    for (const tap of this.#taps) tap(event);
    if (this.json) {
      this.#writeJson(this.#stdout, serializeEvent(event));
      return;
    }
    this.#bars?.update(event);
    if (event.type === 'warning') this.warn(`${event.database}: ${event.message}`);
    else if (event.type === 'info') this.note(`${event.database}: ${event.message}`);
  };

  /** Also sends every event to `listener` (the run tracker: notifications, run log, metrics). */
  tap(listener: (event: BkEvent) => void): void {
    this.#taps.push(listener);
  }

  /** A human result line on stdout (nothing with `--json` or `--quiet`). */
  print(line: string): void {
    if (this.json || this.quiet) return;
    const safe = redactOutput(line);
    if (this.#bars?.active && this.#stdout.isTTY) this.#bars.log(safe);
    else this.#stdout.write(`${safe}\n`);
  }

  /** The final result object of a command, with `--json` only. */
  result(value: Record<string, unknown>): void {
    if (this.json) this.#writeJson(this.#stdout, { type: 'result', ...value });
  }

  /** Exactly `value` as JSON on stdout (`listbackups --json`). */
  printJson(value: unknown): void {
    this.#stdout.write(`${redactOutput(JSON.stringify(value, null, 2))}\n`);
  }

  /** A note on stderr (not shown with `--json` or `--quiet`). */
  note(line: string): void {
    if (this.json || this.quiet) return;
    this.#toStderr(colors.dim(line));
  }

  /** A warning on stderr (not shown with `--quiet`). */
  warn(line: string): void {
    if (this.quiet) return;
    this.#toStderr(colors.yellow(`warning: ${line}`));
  }

  /** An external command about to run (`--verbose` only). */
  command(line: string): void {
    if (!this.verbose) return;
    this.#toStderr(colors.dim(`$ ${line}`));
  }

  /** A debug detail (`--verbose` only). */
  debug(line: string): void {
    if (this.verbose) this.#toStderr(colors.dim(line));
  }

  /** `bk: <message>` and `hint: <hint>` on stderr; the stack too with `--verbose`. Always shown. */
  error(error: unknown, prefix = ''): void {
    const summary = summarizeError(error);
    this.#toStderr(`${colors.red('bk:')} ${prefix}${summary.message}`);
    if (summary.hint) this.#toStderr(`${colors.dim('hint:')} ${summary.hint}`);
    if (this.verbose && error instanceof Error && error.stack) this.#toStderr(colors.dim(causeChain(error)));
  }

  /** Stops progress bars. */
  close(): void {
    this.#bars?.stop();
  }

  #toStderr(line: string): void {
    const safe = redactOutput(line);
    if (this.#bars?.active) this.#bars.log(safe);
    else this.#stderr.write(`${safe}\n`);
  }

  #writeJson(stream: NodeJS.WriteStream, value: unknown): void {
    stream.write(`${redactOutput(JSON.stringify(value))}\n`);
  }
}

/** An event as it appears in `--json` output: errors become `{ code, message, hint }`. */
export function serializeEvent(event: BkEvent): Record<string, unknown> {
  if (event.type !== 'failed') return { ...event };
  return { ...event, error: serializeError(event.error) };
}

/** An error as it appears in `--json` output. */
export function serializeError(error: unknown): { code: string | undefined; message: string; hint?: string } {
  const summary = summarizeError(error);
  return { code: summary.code, message: summary.message, ...(summary.hint ? { hint: summary.hint } : {}) };
}

function causeChain(error: Error): string {
  const parts = [error.stack ?? String(error)];
  let cause = error.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    parts.push(`caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return parts.join('\n');
}
