import { hintForCode } from './error-hints.js';

const marker = Symbol.for('bk.error');

/** What the CLI shows of an error, and the exit code it maps to. */
export interface ErrorSummary {
  /** One line, without the `bk: ` prefix. */
  message: string;
  /** What to do about it, when the error says. */
  hint: string | undefined;
  /** Stable error code (`BK_CONFIG_INVALID`), when it is a bk error. */
  code: string | undefined;
  /** 2 for usage and config errors, 1 for failed operations, 130 when interrupted. */
  exitCode: number;
}

interface BkErrorLike {
  code?: string;
  category?: string;
  hint?: string;
  key?: string;
  message: string;
}

/**
 * Maps any thrown value to its one-line message, hint and exit code. Reads bk errors through their
 * global marker, so this module needs no import of `@bk/core` (it runs before commands load).
 */
export function summarizeError(error: unknown): ErrorSummary {
  if (typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true) {
    const bkError = error as BkErrorLike;
    const exitCode =
      bkError.category === 'usage' || bkError.category === 'config'
        ? 2
        : bkError.category === 'interrupted'
          ? 130
          : 1;
    let message = oneLine(bkError.message);
    if (bkError.key && !message.startsWith(bkError.key)) message = `${bkError.key}: ${message}`;
    const hint = bkError.hint ?? hintForCode(bkError.code);
    return { message, hint: hint ? oneLine(hint) : undefined, code: bkError.code, exitCode };
  }
  if (isPromptInterrupt(error))
    return { message: 'interrupted', hint: undefined, code: 'BK_ABORTED', exitCode: 130 };
  const message = error instanceof Error ? error.message : String(error);
  return { message: oneLine(message), hint: undefined, code: undefined, exitCode: 1 };
}

function isPromptInterrupt(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError');
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' | ').trim();
}
