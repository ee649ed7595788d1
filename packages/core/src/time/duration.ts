import { ConfigError } from '../errors/config-error.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The one spelling table of durations, for config keys and command-line flags alike. Months are 30
 * days and years 365 days. `m` and `M` are not here on purpose: they mean minutes to `ms`, Go and
 * systemd, and months to restic and borg, so bk refuses them and names both unambiguous spellings.
 */
export const DURATION_UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: SECOND,
  sec: SECOND,
  secs: SECOND,
  second: SECOND,
  seconds: SECOND,
  min: MINUTE,
  mins: MINUTE,
  minute: MINUTE,
  minutes: MINUTE,
  h: HOUR,
  hour: HOUR,
  hours: HOUR,
  d: DAY,
  day: DAY,
  days: DAY,
  w: 7 * DAY,
  week: 7 * DAY,
  weeks: 7 * DAY,
  mo: 30 * DAY,
  month: 30 * DAY,
  months: 30 * DAY,
  y: 365 * DAY,
  year: 365 * DAY,
  years: 365 * DAY,
};

const TERM = /(\d+(?:\.\d+)?)\s*([a-z]+)/giy;

/**
 * Parses a duration of the grammar shared by every config key and flag: one or more terms
 * `<number><unit>` (`"90s"`, `"90min"`, `"26h"`, `"7d"`, `"2w"`, `"5mo"`, `"1y"`, `"1h30min"`,
 * `"1d 12h"`), units as in {@link DURATION_UNITS} (case-insensitive). Returns milliseconds (0 for
 * `"0s"`), or `undefined` when the text is not such a duration — the ambiguous unit `m` included.
 */
export function parseDuration(text: string): number | undefined {
  if (typeof text !== 'string') return undefined;
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  let total = 0;
  let position = 0;
  while (position < trimmed.length) {
    TERM.lastIndex = position;
    const match = TERM.exec(trimmed);
    if (!match) return undefined;
    const unit = DURATION_UNITS[match[2]!.toLowerCase()];
    if (unit === undefined) return undefined;
    total += Number(match[1]) * unit;
    position = TERM.lastIndex;
    while (trimmed[position] === ' ') position += 1;
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/**
 * {@link parseDuration}, or a {@link ConfigError} naming `key` (a config key such as
 * `db.keep.within`, or a flag such as `--max-age`): an ambiguous `m` gets a hint naming `min` and
 * `mo` with the caller's number.
 *
 * @throws {@link ConfigError} when `text` is not a duration.
 */
export function durationOrThrow(text: string, key: string): number {
  const parsed = parseDuration(text);
  if (parsed !== undefined) return parsed;
  const ambiguous = [...String(text).matchAll(/(\d+(?:\.\d+)?)\s*([a-z]+)/gi)].find(
    (match) => match[2]!.toLowerCase() === 'm',
  );
  if (ambiguous) {
    const amount = ambiguous[1]!;
    throw new ConfigError(
      `${key}: duration ${JSON.stringify(text)} is ambiguous: "m" means minutes to some tools and months to others`,
      { key, hint: `write "${amount}min" for minutes or "${amount}mo" for months` },
    );
  }
  throw new ConfigError(`${key}: invalid duration ${JSON.stringify(text)}`, {
    key,
    hint: 'give a duration such as "90s", "30min", "26h", "7d", "2w", "6mo" or "1y" (docs/retention.md)',
  });
}
