/**
 * Which backups to keep. A number means "keep the last N". With an object, a backup is kept if
 * any rule keeps it (union), judged by the manifest's `startedAt`, never the remote's times.
 * Buckets are in UTC.
 */
export type KeepPolicy =
  | number
  | {
      /** Keep the newest N backups. */
      last?: number;
      /** Keep the newest backup of each of the last N hours that have one. */
      hourly?: number;
      /** Keep the newest backup of each of the last N days that have one. */
      daily?: number;
      /** Keep the newest backup of each of the last N ISO weeks that have one. */
      weekly?: number;
      /** Keep the newest backup of each of the last N months that have one. */
      monthly?: number;
      /** Keep the newest backup of each of the last N years that have one. */
      yearly?: number;
      /** Keep everything newer than this duration before the newest backup (`"7d"`, `"36h"`, `"2w"`, `"6mo"`, `"1y"`; `m` is refused as ambiguous). */
      within?: string;
    };

/** One backup and what retention decided for it. */
export interface RetentionDecision<T> {
  item: T;
  /** The rules that keep it (`last 3`, `daily 7`, `within 2d`, `just made`); empty means remove. */
  keptBy: string[];
  keep: boolean;
}
