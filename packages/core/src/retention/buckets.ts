/** Calendar buckets of the periodic retention rules, all in UTC. */
export type BucketRule = 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly';

/** ISO 8601 week-numbering year and week of a date (UTC): weeks start on Monday, week 1 holds Jan 4th. */
export function isoWeek(date: Date): { year: number; week: number } {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return { year: day.getUTCFullYear(), week };
}

/** The bucket key of `date` for `rule` (`2026-11-22T03` for hourly, `2026-W47` for weekly, ...). */
export function bucketKey(rule: BucketRule, date: Date): string {
  const iso = date.toISOString();
  switch (rule) {
    case 'hourly':
      return iso.slice(0, 13);
    case 'daily':
      return iso.slice(0, 10);
    case 'weekly': {
      const { year, week } = isoWeek(date);
      return `${year}-W${String(week).padStart(2, '0')}`;
    }
    case 'monthly':
      return iso.slice(0, 7);
    case 'yearly':
      return iso.slice(0, 4);
  }
}
