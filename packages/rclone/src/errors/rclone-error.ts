const marker = Symbol.for('bk.error');

/**
 * How a caller (the bk CLI) treats the error: `config` errors exit 2 (bad input, nothing was
 * changed), `operation` errors exit 1, `interrupted` exits 130.
 */
export type RcloneErrorCategory = 'config' | 'operation' | 'interrupted';

/** Structured fields of an {@link RcloneError}. */
export interface RcloneErrorFields {
  /** Stable machine-readable code. @default "BK_RCLONE_FAILED" */
  code?: string;
  /** How a CLI maps the error to an exit code. @default "operation" */
  category?: RcloneErrorCategory;
  /** One line telling the user what to do. @default undefined */
  hint?: string;
  /** rclone's exit code, or `undefined` when it was killed or never started. @default undefined */
  exitCode?: number;
  /** The signal that killed rclone, if any. @default undefined */
  signal?: string;
  /** The last lines rclone wrote to stderr, secrets redacted. @default "" */
  stderrTail?: string;
  /** The command line that failed, secrets redacted. @default "" */
  command?: string;
  /** The error that caused this one. @default undefined */
  cause?: unknown;
}

/**
 * Base class of every error `@bk/rclone` throws. It does not extend `@bk/core`'s `BkError` (this
 * package depends on nothing but execa), but carries the same global marker, so
 * `BkError.isInstance(error)` is true for it, and the same `code`, `category` and `hint` fields.
 *
 * Messages name the command, its exit code and the tail of its stderr:
 * `rclone rcat exited 1: Failed to rcat: ... (to db/.partial/x)`.
 */
export class RcloneError extends Error {
  /** Stable machine-readable code (`BK_RCLONE_FAILED`, `BK_RCLONE_NOT_FOUND`, ...). */
  readonly code: string;
  /** How a CLI maps the error to an exit code. */
  readonly category: RcloneErrorCategory;
  /** One line telling the user what to do, when there is something to do. */
  readonly hint: string | undefined;
  /** rclone's exit code, or `undefined` when it was killed by a signal or never started. */
  readonly exitCode: number | undefined;
  /** The signal that killed rclone (`SIGKILL`), if any. */
  readonly signal: string | undefined;
  /** The last lines of rclone's stderr (plain text and JSON log messages), secrets redacted. */
  readonly stderrTail: string;
  /** The command line, secrets redacted. */
  readonly command: string;
  /** Marks every bk error, across duplicated installs (see `BkError.isInstance`). */
  readonly [marker] = true;

  constructor(message: string, fields: RcloneErrorFields = {}) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = 'RcloneError';
    this.code = fields.code ?? 'BK_RCLONE_FAILED';
    this.category = fields.category ?? 'operation';
    this.hint = fields.hint;
    this.exitCode = fields.exitCode;
    this.signal = fields.signal;
    this.stderrTail = fields.stderrTail ?? '';
    this.command = fields.command ?? '';
  }
}
