import { DEFAULT_WAL_SEGMENT_SIZE, parseWalFileName, segmentName, segmentNumber } from './wal-name.js';

/** A run of missing segments: `first` to `last`, both included. */
export interface WalGap {
  first: string;
  last: string;
  /** How many segments are missing. */
  count: number;
}

/** What {@link checkWalContinuity} found from one start segment. */
export interface WalContinuity {
  /** The segment the check started at (a base backup's start segment). */
  from: string;
  /** The newest archived segment on that timeline, or `undefined` when none is at or after `from`. */
  newest: string | undefined;
  /** Missing runs between `from` and `newest`; `from` itself missing is a gap too. */
  gaps: WalGap[];
}

/**
 * Checks that every segment from `from` to the newest archived one of the same timeline is in
 * `archived` (names of stored segments, any timelines, any order; other file kinds are ignored).
 * Pure: no I/O.
 */
export function checkWalContinuity(
  from: string,
  archived: Iterable<string>,
  segmentSize = DEFAULT_WAL_SEGMENT_SIZE,
): WalContinuity {
  const timeline = from.slice(0, 8);
  const start = segmentNumber(from, segmentSize);
  const numbers = new Set<number>();
  for (const name of archived) {
    const parsed = parseWalFileName(name);
    if (parsed?.kind !== 'segment' || parsed.timeline !== timeline) continue;
    const number = segmentNumber(name, segmentSize);
    if (number >= start) numbers.add(number);
  }
  if (numbers.size === 0) {
    return { from, newest: undefined, gaps: [{ first: from, last: from, count: 1 }] };
  }
  const newest = Math.max(...numbers);
  const gaps: WalGap[] = [];
  let gapStart: number | undefined;
  for (let number = start; number <= newest + 1; number++) {
    const present = number > newest || numbers.has(number);
    if (!present && gapStart === undefined) gapStart = number;
    if (present && gapStart !== undefined) {
      gaps.push({
        first: segmentName(timeline, gapStart, segmentSize),
        last: segmentName(timeline, number - 1, segmentSize),
        count: number - gapStart,
      });
      gapStart = undefined;
    }
  }
  return { from, newest: segmentName(timeline, newest, segmentSize), gaps };
}

/**
 * The archived files retention may remove when the oldest kept base backup starts at `oldestStart`:
 * segments (and backup history files) of any timeline whose position is before it. Timeline
 * history files are always kept (they are tiny and recovery reads them to follow timelines).
 */
export function walFilesBefore(
  oldestStart: string,
  archived: Iterable<string>,
  segmentSize = DEFAULT_WAL_SEGMENT_SIZE,
): string[] {
  const limit = segmentNumber(oldestStart, segmentSize);
  const removable: string[] = [];
  for (const name of archived) {
    const parsed = parseWalFileName(name);
    if (!parsed?.position || parsed.kind === 'history') continue;
    if (segmentNumber(name, segmentSize) < limit) removable.push(name);
  }
  return removable.sort();
}
