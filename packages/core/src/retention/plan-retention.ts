import { parseDuration } from '../time/duration.js';
import { type BucketRule, bucketKey } from './buckets.js';
import type { KeepPolicy, RetentionDecision } from './types.js';
import { validateKeepPolicy } from './validate-keep-policy.js';

const BUCKET_RULES: readonly BucketRule[] = ['hourly', 'daily', 'weekly', 'monthly', 'yearly'];

/** Options of {@link planRetention}. */
export interface PlanRetentionOptions<T> {
  /** The time an item was made (a manifest's `startedAt`, never a remote's modification time). */
  time: (item: T) => Date;
  /** Items that must be kept whatever the policy (the backup just made), kept by `just made`. */
  protect?: (item: T) => boolean;
  /**
   * When the remote wrote the item (a manifest's modification time): the remote's own write order.
   * When given, the newest `last` (or 1) items by it are always kept, and `within` keeps an item
   * newer than the window by this clock too, so a back-dated manifest cannot get the newest
   * written backup deleted and a fast clock cannot push real backups out of a window.
   */
  written?: (item: T) => Date | undefined;
  /**
   * Why an item's time cannot be trusted (`futureDating`), or `undefined`. Such items are kept
   * (`dated in the future`) and take no part in any rule: they count for no `last N`, fill no
   * bucket and anchor no `within` window.
   */
  untrusted?: (item: T) => string | undefined;
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
 * last remaining backup is never removed. With `written`, the newest N items by the remote's write
 * order are kept too (`last N written`, N = `last` or 1) and `within` also keeps items written
 * within D of the newest write. Items flagged by `untrusted` are kept and ignored by every rule.
 * Returns decisions newest first, untrusted items last.
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
  const untrusted = (item: T) => options.untrusted?.(item);
  const order = (list: readonly T[]) =>
    list
      .map((item, index) => ({ item, index, time: options.time(item).getTime() }))
      .sort((a, b) => b.time - a.time || a.index - b.index);
  const sorted = order(items.filter((item) => untrusted(item) === undefined));
  const flagged = order(items.filter((item) => untrusted(item) !== undefined));
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
  const writtenMs = (index: number) => options.written?.(sorted[index]!.item)?.getTime() ?? Number.NaN;
  const byWrite = sorted
    .map((_, index) => ({ index, written: writtenMs(index) }))
    .filter((entry) => !Number.isNaN(entry.written))
    .sort((a, b) => b.written - a.written);
  if (rules.within !== undefined && sorted.length > 0) {
    const window = parseDuration(rules.within)!;
    const cutoff = sorted[0]!.time - window;
    const writtenCutoff = byWrite.length > 0 ? byWrite[0]!.written - window : Number.POSITIVE_INFINITY;
    for (const [index, entry] of sorted.entries()) {
      if (entry.time >= cutoff || writtenMs(index) >= writtenCutoff)
        decisions[index]!.keptBy.push(`within ${rules.within}`);
    }
  }
  // The remote's write order guards the newest writes; named only where no other rule keeps them.
  if (options.written && byWrite.length > 0) {
    const count = rules.last ?? 1;
    for (const { index } of byWrite.slice(0, count)) {
      if (decisions[index]!.keptBy.length === 0) decisions[index]!.keptBy.push(`last ${count} written`);
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
  const kept = flagged.map(({ item }) => ({ item, keptBy: [untrusted(item)!], keep: true }));
  return [...decisions, ...kept];
}
