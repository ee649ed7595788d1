import type { BackupInfo } from '@bk/core';

/** A database whose newest complete backup is too old, or that has none. */
export interface StaleDatabase {
  database: string;
  /** The newest complete backup, when there is one. */
  newest: BackupInfo | undefined;
  /** Its age in milliseconds (by the manifest's `finishedAt`), when there is one. */
  ageMs: number | undefined;
}

/**
 * The databases among `names` whose newest complete backup finished more than `maxAgeMs` before
 * `now`; a database with no backup at all is stale too. Judged by manifests only; a backup dated in
 * the future never counts as fresh.
 */
export function findStale(
  names: readonly string[],
  backups: readonly BackupInfo[],
  maxAgeMs: number,
  now = Date.now(),
): StaleDatabase[] {
  const stale: StaleDatabase[] = [];
  for (const database of names) {
    const newest = backups
      .filter((backup) => backup.database === database && backup.future === undefined)
      .reduce<BackupInfo | undefined>(
        (best, backup) =>
          !best || Date.parse(backup.finishedAt) > Date.parse(best.finishedAt) ? backup : best,
        undefined,
      );
    const ageMs = newest ? now - Date.parse(newest.finishedAt) : undefined;
    if (ageMs === undefined || ageMs > maxAgeMs) stale.push({ database, newest, ageMs });
  }
  return stale;
}
