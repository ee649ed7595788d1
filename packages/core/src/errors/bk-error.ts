const marker = Symbol.for('bk.error');

/**
 * How the CLI treats an error: `usage` and `config` errors exit 2 (bad input, nothing was changed),
 * `operation` errors exit 1, `interrupted` exits 130.
 */
export type BkErrorCategory = 'usage' | 'config' | 'operation' | 'interrupted';

/** Options accepted by every {@link BkError}. */
export interface BkErrorOptions {
  /** The error that caused this one; never dropped. */
  cause?: unknown;
  /** One line telling the user what to do about it. */
  hint?: string;
  /** Overrides the category of the error class. */
  category?: BkErrorCategory;
}

/**
 * Base class of every error bk throws. `code` is stable across releases and `isInstance()`
 * works across duplicated installs of the package (it checks a global symbol, not the prototype).
 */
export class BkError extends Error {
  /** Stable machine-readable code, such as `BK_PROCESS_FAILED`. */
  readonly code: string;
  /** How the CLI maps this error to an exit code. */
  readonly category: BkErrorCategory;
  /** One line telling the user what to do, when there is something to do. */
  readonly hint: string | undefined;
  readonly [marker] = true;

  constructor(code: string, message: string, options: BkErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BkError';
    this.code = code;
    this.category = options.category ?? 'operation';
    this.hint = options.hint;
  }

  /** True for any bk error, including errors from `@bk/rclone`, even across package copies. */
  static isInstance(value: unknown): value is BkError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}
