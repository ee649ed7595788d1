import { ConfigError } from '@bk/core';

/** What a database alias may be: it names files, locks and metrics, so nothing a path could read. */
const ALIAS = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/**
 * Throws a `ConfigError` naming the alias when it cannot be a database name: empty, `.`, `..`, a
 * slash, a newline or a space, a leading `-` (it would read as an option) or `.`, or more than
 * 100 characters. Aliases are checked when the config loads, before anything is locked or written.
 */
export function validateDatabaseAlias(alias: string): void {
  if (ALIAS.test(alias)) return;
  throw new ConfigError(
    `invalid database name ${JSON.stringify(alias)}: use letters, digits, _ . - (starting with a letter or digit, at most 100 characters)`,
    { key: 'databases', hint: 'rename the database in the config (its key under "databases")' },
  );
}
