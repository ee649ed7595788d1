import { MEDIA_LOCK_DIR, type Storage, withLock } from '@bk/core';
import ms from 'ms';
import { UsageError } from '../usage-error.js';

/**
 * Parses a duration flag (`--wait 30s`, `--partials-older-than 24h`, `0`) into milliseconds.
 *
 * @throws {@link UsageError} naming the flag and the bad value.
 */
export function parseDurationFlag(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = /^\d+$/.test(value.trim())
    ? Number(value.trim()) * 1000
    : ms(value.trim() as ms.StringValue);
  if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed < 0) {
    throw new UsageError(`${flag}: invalid duration ${JSON.stringify(value)}`, {
      hint: 'give a duration such as 30s, 5m, 24h (a bare number is seconds)',
    });
  }
  return parsed;
}

/**
 * Runs `task` holding the remote lock of `database` (see `acquireLock` in @bk/core): a second bk
 * run against the same database and remote waits up to `waitMs`, then fails naming the holder.
 */
export function locked<T>(
  storage: Storage,
  database: string,
  operation: string,
  waitMs: number,
  signal: AbortSignal,
  task: () => Promise<T>,
): Promise<T> {
  return withLock({ storage, name: database, operation, waitMs, signal }, task);
}

/**
 * Runs `task` holding the media lock (`media/.locks/media/` on the remote): `mediabackup`,
 * `mediarestore` and `cleanup --media` never interleave, so a restore never reads history that a
 * sync or a prune is moving. Dry runs change nothing and take no lock.
 */
export function lockedMedia<T>(
  storage: Storage,
  operation: string,
  waitMs: number,
  signal: AbortSignal,
  task: () => Promise<T>,
): Promise<T> {
  return withLock(
    { storage, name: 'media', dir: MEDIA_LOCK_DIR, label: 'media', operation, waitMs, signal },
    task,
  );
}
