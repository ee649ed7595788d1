import { BkError, type BkErrorOptions } from './bk-error.js';

const processErrorMarker = Symbol.for('bk.error.ProcessError');

/** Structured fields of a {@link ProcessError}. */
export interface ProcessErrorFields {
  /** The program that failed, as the user knows it (`pg_dump`, `rclone`). */
  process: string;
  /** Its exit code, or `undefined` when it was killed by a signal or never started. */
  exitCode: number | undefined;
  /** The signal that killed it, if any (`SIGKILL`). */
  signal: string | undefined;
  /** The last lines of its stderr, secrets redacted. */
  stderrTail: string;
  /** What it was doing, for the message (`dump of "default"`). */
  context?: string;
}

/**
 * An external program failed. The message names the program, its exit code or signal, and the
 * tail of its stderr: `pg_dump exited 1: FATAL: role "app" does not exist (dump of "default")`.
 */
export class ProcessError extends BkError {
  readonly [processErrorMarker] = true;

  /**
   * True for a `ProcessError` (or a subclass) from any copy of `@bk/core`: checks a global marker, not
   * the prototype, so it holds where `instanceof` fails (two installed copies of the package).
   */
  static override isInstance(value: unknown): value is ProcessError {
    return (
      BkError.isInstance(value) && (value as unknown as Record<symbol, unknown>)[processErrorMarker] === true
    );
  }

  readonly process: string;
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  readonly stderrTail: string;
  /** What it was doing, for the message (`dump of "default"`), as given to the constructor. */
  readonly context: string | undefined;

  constructor(fields: ProcessErrorFields, options: BkErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'BK_PROCESS_FAILED', formatProcessError(fields), options);
    this.name = 'ProcessError';
    this.process = fields.process;
    this.exitCode = fields.exitCode;
    this.signal = fields.signal;
    this.stderrTail = fields.stderrTail;
    this.context = fields.context;
  }

  /**
   * The same failure with another hint: same message, code and fields, this error as the cause.
   * For callers that know the remedy better than the code's generic hint.
   */
  withHint(hint: string): ProcessError {
    return withAnotherHint(this, hint);
  }

  /** Builds the one-line message of a `ProcessError`. */
  static format(fields: ProcessErrorFields): string {
    return formatProcessError(fields);
  }
}

// Outside the class: a class body that names its own class makes the bundler rename it
// (`_ProcessError` in stack traces).
function formatProcessError(fields: ProcessErrorFields): string {
  const how =
    fields.exitCode !== undefined
      ? `exited ${fields.exitCode}`
      : fields.signal
        ? `was killed by ${fields.signal}`
        : 'failed';
  const tail = fields.stderrTail.trim().split('\n').filter(Boolean).slice(-3).join(' | ');
  const context = fields.context ? ` (${fields.context})` : '';
  return `${fields.process} ${how}${tail ? `: ${tail}` : ''}${context}`;
}

function withAnotherHint(error: ProcessError, hint: string): ProcessError {
  const { process, exitCode, signal, stderrTail, context } = error;
  return new ProcessError(
    { process, exitCode, signal, stderrTail, context },
    { code: error.code, hint, cause: error },
  );
}
