import { type BackupInfo, durationOrThrow, type MediaSnapshotInfo } from '@bk/core';
import { CommandFailedError } from '../command-failed-error.js';
import type { ResolvedConfig } from '../config/types.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../usage-error.js';
import { findStale } from './staleness.js';

/**
 * Parses `--max-age` (`26h`, `90min`, `8d`) into milliseconds, by the one duration grammar.
 *
 * @throws `ConfigError` for an unparsable or ambiguous duration; {@link UsageError} for zero.
 */
export function parseMaxAge(maxAge: string): number {
  const maxAgeMs = durationOrThrow(maxAge, '--max-age');
  if (maxAgeMs <= 0) {
    throw new UsageError(`--max-age: invalid duration ${JSON.stringify(maxAge)}`, {
      hint: 'give a duration such as 26h, 90min or 8d',
    });
  }
  return maxAgeMs;
}

/** An age in unambiguous units: `3d 4h`, `5h 12min`, `7min`. */
function formatAge(milliseconds: number): string {
  if (milliseconds < 60_000) return `${Math.floor(milliseconds / 1000)}s`;
  const minutes = Math.floor(milliseconds / 60_000);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  if (days >= 1) return `${days}d ${hours % 24}h`;
  if (hours >= 1) return `${hours}h ${minutes % 60}min`;
  return `${minutes}min`;
}

/**
 * `listbackups --max-age`: throws (exit 1) naming every configured (or selected) database whose
 * newest complete backup is older than `maxAge`, or that has none.
 *
 * @throws {@link UsageError} for a bad duration; {@link CommandFailedError} when something is stale.
 */
export function checkFreshness(
  context: CommandContext,
  config: ResolvedConfig,
  selected: string[] | undefined,
  backups: readonly BackupInfo[],
  maxAge: string,
): void {
  const maxAgeMs = parseMaxAge(maxAge);
  const names = selected ?? config.databases.map((database) => database.name);
  const stale = findStale(names, backups, maxAgeMs);
  if (stale.length === 0) {
    context.reporter.note(`all ${names.length} database(s) have a backup newer than ${maxAge}`);
    return;
  }
  const details = stale.map(({ database, newest, ageMs }) =>
    newest && ageMs !== undefined
      ? `${database} (newest ${newest.finishedAt.replace(/\.\d+Z$/, 'Z')}, ${formatAge(ageMs)} old)`
      : `${database} (no backup)`,
  );
  throw new CommandFailedError(
    `stale backups (older than ${maxAge}): ${details.join(', ')}`,
    { stale: stale.map(({ database, newest }) => ({ database, newest: newest?.finishedAt ?? null })) },
    { hint: 'check the backup job (bk schedule, cron, timer) and its log' },
  );
}

/**
 * `listbackups --media --max-age`: throws (exit 1) when the newest complete media snapshot is
 * older than `maxAge`, or when there is none.
 *
 * @throws {@link UsageError} for a bad duration; {@link CommandFailedError} when stale.
 */
export function checkMediaFreshness(
  context: CommandContext,
  snapshots: readonly MediaSnapshotInfo[],
  maxAge: string,
  now = Date.now(),
): void {
  const maxAgeMs = parseMaxAge(maxAge);
  const [newest] = snapshots;
  const ageMs = newest === undefined ? undefined : now - Date.parse(newest.createdAt);
  if (newest !== undefined && ageMs !== undefined && ageMs <= maxAgeMs) {
    context.reporter.note(`the newest media snapshot (${newest.stamp}) is newer than ${maxAge}`);
    return;
  }
  const detail =
    newest === undefined || ageMs === undefined
      ? 'there is no media snapshot'
      : `the newest media snapshot is ${newest.stamp} (${newest.createdAt.replace(/\.\d+Z$/, 'Z')}, ${formatAge(ageMs)} old)`;
  throw new CommandFailedError(
    `stale media backup (older than ${maxAge}): ${detail}`,
    { stale: [{ media: true, newest: newest?.createdAt ?? null }] },
    { hint: 'check the media backup job (bk schedule, cron, timer) and its log' },
  );
}
