import { ConfigError } from '@bk/core';
import { UsageError } from '../usage-error.js';
import { describeConfigSearch } from './discover.js';
import type { ResolvedConfig, ResolvedDatabase } from './types.js';

/** How a command picks databases when none is named. */
export type DefaultSelection =
  /** Every configured database. */
  | 'all'
  /** The only configured database; several configured is a usage error. */
  | 'single';

/**
 * Picks the databases a command works on from `-d NAME` (repeatable) or `--all`.
 *
 * @throws {@link UsageError} for an unknown name, or when a name is required.
 * @throws {@link ConfigError} when no database is configured.
 */
export function selectDatabases(
  config: ResolvedConfig,
  selection: { names?: readonly string[]; all?: boolean; whenNone: DefaultSelection; flagHint?: string },
): ResolvedDatabase[] {
  const configured = config.databases;
  if (configured.length === 0) {
    if (config.file === undefined) {
      throw new ConfigError(`no databases are configured: ${describeConfigSearch(process.cwd())}`, {
        key: 'databases',
        hint: 'create bk.config.json with "remote" and "databases", point --config or BK_CONFIG at one, or set DATABASE_URL',
      });
    }
    throw new ConfigError('no databases are configured', {
      key: 'databases',
      hint: `add "databases" to ${config.file}, or set DATABASE_URL`,
    });
  }
  const names = [...new Set(selection.names ?? [])];
  if (names.length > 0) {
    if (selection.all) throw new UsageError('--database and --all cannot be used together');
    return names.map((name) => {
      const found = configured.find((database) => database.name === name);
      if (!found) {
        throw new UsageError(`unknown database "${name}"`, {
          hint: `configured databases: ${configured.map((database) => database.name).join(', ')}`,
        });
      }
      return found;
    });
  }
  if (selection.all || selection.whenNone === 'all' || configured.length === 1) return [...configured];
  throw new UsageError(
    `several databases are configured (${configured.map((database) => database.name).join(', ')}): say which`,
    { hint: selection.flagHint ?? 'pass --database NAME' },
  );
}
