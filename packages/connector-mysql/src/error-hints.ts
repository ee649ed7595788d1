import { ProcessError } from '@bk/core';

const HINTS: readonly [RegExp, string][] = [
  [/ERROR 1045 /, 'check the user and password in the database URL or options'],
  [/ERROR 1049 /, 'create the database first, or fix the database name'],
  [/ERROR (?:1044|1142|1227) /, 'grant the user the privileges the dump or restore needs (see the README)'],
  [/ERROR (?:2002|2003|2005|2013) /, 'check host, port or socket, and that the server is running'],
  [/ERROR 2026 /, 'check the TLS settings (ssl-mode, ssl-ca) and the server certificate'],
];

/**
 * Adds a one-line hint to a MySQL client's {@link ProcessError} when its stderr names a well-known
 * MySQL error (wrong password, unknown database, unreachable server). `context` must be the one the
 * process ran with, so the message stays the same. Other errors pass unchanged.
 */
export function withMysqlHint(error: unknown, context: string | undefined): unknown {
  if (!ProcessError.isInstance(error) || error.hint !== undefined) return error;
  const hint = HINTS.find(([pattern]) => pattern.test(error.stderrTail))?.[1];
  if (hint === undefined) return error;
  return new ProcessError(
    {
      process: error.process,
      exitCode: error.exitCode,
      signal: error.signal,
      stderrTail: error.stderrTail,
      context,
    },
    { hint, cause: error, code: error.code },
  );
}
