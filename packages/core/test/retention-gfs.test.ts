import { describe, expect, it } from 'vitest';
import { isoWeek, parseDuration, planRetention } from '../src/index.js';

// 400 backups every 6 hours from 2026-01-01T00:00Z (a Thursday); the newest, #399, is
// 2026-04-10T18:00Z (a Friday, ISO week 15).
const START = Date.parse('2026-01-01T00:00:00Z');
const history = Array.from({ length: 400 }, (_, index) => ({
  index,
  time: new Date(START + index * 6 * 3_600_000),
}));

function kept(policy: Parameters<typeof planRetention>[1]) {
  const shuffled = [...history].sort(() => Math.random() - 0.5);
  const decisions = planRetention(shuffled, policy, { time: (item) => item.time });
  return Object.fromEntries(
    decisions.filter((decision) => decision.keep).map((decision) => [decision.item.index, decision.keptBy]),
  );
}

describe('GFS retention on a synthetic history of 400 backups', () => {
  it('keeps the union of last / daily / weekly / monthly / yearly, with reasons', () => {
    // Hand-checked:
    // last 3: #399 Apr 10 18h, #398 Apr 10 12h, #397 Apr 10 06h
    // daily 7: newest of Apr 10..Apr 4 at 18h: #399 #395 #391 #387 #383 #379 #375
    // weekly 4 (ISO, Monday-Sunday): W15 #399; W14 ends Sun Apr 5 18h #379;
    //   W13 ends Sun Mar 29 18h (day 87) #351; W12 ends Sun Mar 22 18h (day 80) #323
    // monthly 3: Apr #399; Mar 31 18h (day 89) #359; Feb 28 18h (day 58) #235
    // yearly 2: only 2026 has backups: #399
    const policy = { last: 3, daily: 7, weekly: 4, monthly: 3, yearly: 2 };
    expect(kept(policy)).toEqual({
      399: ['last 3', 'daily 7', 'weekly 4', 'monthly 3', 'yearly 2'],
      398: ['last 3'],
      397: ['last 3'],
      395: ['daily 7'],
      391: ['daily 7'],
      387: ['daily 7'],
      383: ['daily 7'],
      379: ['daily 7', 'weekly 4'],
      375: ['daily 7'],
      359: ['monthly 3'],
      351: ['weekly 4'],
      323: ['weekly 4'],
      235: ['monthly 3'],
    });
  });

  it('within is measured from the newest backup, not from now', () => {
    // 36h before Apr 10 18h is Apr 9 06h = #393.
    expect(
      Object.keys(kept({ within: '36h' }))
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual([393, 394, 395, 396, 397, 398, 399]);
    expect(Object.keys(kept({ within: '1y' }))).toHaveLength(400);
  });

  it('hourly keeps one per hour that has a backup, and a number means "last N"', () => {
    expect(
      Object.keys(kept({ hourly: 5 }))
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual([395, 396, 397, 398, 399]);
    expect(kept(3)).toEqual({ 399: ['last 3'], 398: ['last 3'], 397: ['last 3'] });
  });

  it('protect keeps an item no rule keeps', () => {
    const decisions = planRetention(history, 1, {
      time: (item) => item.time,
      protect: (item) => item.index === 7,
    });
    expect(
      decisions.filter((decision) => decision.keep).map((decision) => [decision.item.index, decision.keptBy]),
    ).toEqual([
      [399, ['last 1']],
      [7, ['just made']],
    ]);
    expect(decisions[0]?.item.index).toBe(399);
  });

  it('uses ISO weeks across year ends, and parses durations', () => {
    expect(isoWeek(new Date('2026-01-01T12:00:00Z'))).toEqual({ year: 2026, week: 1 });
    expect(isoWeek(new Date('2027-01-01T12:00:00Z'))).toEqual({ year: 2026, week: 53 });
    expect(isoWeek(new Date('2024-12-30T00:00:00Z'))).toEqual({ year: 2025, week: 1 });
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('2w')).toBe(14 * 86_400_000);
    expect(parseDuration('0d')).toBe(0);
    expect(parseDuration('7 days')).toBe(7 * 86_400_000);
    expect(parseDuration('5m')).toBeUndefined();
  });
});
