import { durationOrThrow, MEDIA_LOCK_DIR, type Storage, withLock } from '@bk/core';

/**
 * Parses a duration flag (`--wait 30s`, `--partials-older-than 24h`, `0`) into milliseconds, by
 * the one grammar of `durationOrThrow` (a bare number is seconds; the ambiguous `5m` is refused).
 *
 * @throws `ConfigError` (exit 2) naming the flag and the bad value.
 */
export function parseDurationFlag(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  return /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : durationOrThrow(value, flag);
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
