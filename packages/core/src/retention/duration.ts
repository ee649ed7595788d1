const UNITS: Record<string, number> = {
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  m: 30 * 86_400_000,
  y: 365 * 86_400_000,
};

/**
 * Parses a retention duration: a positive integer and a unit, `h` (hours), `d` (days), `w` (weeks),
 * `m` (30-day months) or `y` (365-day years): `"36h"`, `"7d"`, `"2w"`, `"1y"`. Returns milliseconds,
 * or `undefined` when the text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+)\s*([hdwmy])\s*$/i.exec(text);
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = UNITS[match[2]!.toLowerCase()]!;
  return amount > 0 && Number.isSafeInteger(amount) ? amount * unit : undefined;
}
