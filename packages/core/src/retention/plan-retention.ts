import { type BucketRule, bucketKey } from './buckets.js';
import { parseDuration } from './duration.js';
import type { KeepPolicy, RetentionDecision } from './types.js';
import { validateKeepPolicy } from './validate-keep-policy.js';

const BUCKET_RULES: readonly BucketRule[] = ['hourly', 'daily', 'weekly', 'monthly', 'yearly'];

/** Options of {@link planRetention}. */
export interface PlanRetentionOptions<T> {
  /** The time an item was made (a manifest's `startedAt`, never a remote's modification time). */
  time: (item: T) => Date;
  /** Items that must be kept whatever the policy (the backup just made), kept by `just made`. */
  protect?: (item: T) => boolean;
}

/**
 * Decides which items a keep policy keeps. Rules are a union: an item is kept when any rule keeps
 * it, and `keptBy` lists every rule that does (`last 3`, `daily 7`, `within 2d`, `just made`).
 *
 * - `last N` (or a plain number N): the N newest items.
 * - `hourly|daily|weekly|monthly|yearly N`: going from newest to oldest, the newest item of each
 *   UTC hour / day / ISO week / month / year, for the N most recent periods that have an item.
 * - `within D`: every item newer than D before the newest item (not before now, so an old history
 *   is not wiped out because backups stopped).
 *
 * Protected items are always kept, and the newest item is kept when nothing else would be: the
 * last remaining backup is never removed. Returns decisions newest first.
 *
 * @throws `ConfigError` when the policy is invalid (see `validateKeepPolicy`).
 */
export function planRetention<T>(
  items: readonly T[],
  policy: KeepPolicy,
  options: PlanRetentionOptions<T>,
): RetentionDecision<T>[] {
  const valid = validateKeepPolicy(policy);
  const rules = typeof valid === 'number' ? { last: valid } : valid;
  const sorted = items
    .map((item, index) => ({ item, index, time: options.time(item).getTime() }))
    .sort((a, b) => b.time - a.time || a.index - b.index);
  const decisions = sorted.map(({ item }) => ({ item, keptBy: [] as string[], keep: false }));

  if (rules.last !== undefined) {
    for (const decision of decisions.slice(0, rules.last)) decision.keptBy.push(`last ${rules.last}`);
  }
  for (const rule of BUCKET_RULES) {
    const count = rules[rule];
    if (count === undefined) continue;
    let previous: string | undefined;
    let kept = 0;
    for (const [index, entry] of sorted.entries()) {
      if (kept >= count) break;
      const key = bucketKey(rule, new Date(entry.time));
      if (key === previous) continue;
      previous = key;
      kept += 1;
      decisions[index]!.keptBy.push(`${rule} ${count}`);
    }
  }
  if (rules.within !== undefined && sorted.length > 0) {
    const cutoff = sorted[0]!.time - parseDuration(rules.within)!;
    for (const [index, entry] of sorted.entries()) {
      if (entry.time >= cutoff) decisions[index]!.keptBy.push(`within ${rules.within}`);
    }
  }
  if (options.protect) {
    for (const decision of decisions) if (options.protect(decision.item)) decision.keptBy.push('just made');
  }
  for (const decision of decisions) decision.keep = decision.keptBy.length > 0;
  const newest = decisions[0];
  if (newest && !decisions.some((decision) => decision.keep)) {
    newest.keptBy.push('last remaining');
    newest.keep = true;
  }
  return decisions;
}
