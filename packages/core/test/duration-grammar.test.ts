import { describe, expect, it } from 'vitest';
import { ConfigError, durationOrThrow, parseDuration, validateKeepPolicy } from '../src/index.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('one duration grammar', () => {
  it('reads every unit by one spelling table, compounds included', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('90min')).toBe(90 * MINUTE);
    expect(parseDuration('90 minutes')).toBe(90 * MINUTE);
    expect(parseDuration('26h')).toBe(26 * HOUR);
    expect(parseDuration('7d')).toBe(7 * DAY);
    expect(parseDuration('2w')).toBe(14 * DAY);
    expect(parseDuration('5mo')).toBe(5 * 30 * DAY);
    expect(parseDuration('5 months')).toBe(5 * 30 * DAY);
    expect(parseDuration('1y')).toBe(365 * DAY);
    expect(parseDuration('1h30min')).toBe(90 * MINUTE);
    expect(parseDuration('1d 12h')).toBe(36 * HOUR);
    expect(parseDuration('1.5h')).toBe(90 * MINUTE);
    expect(parseDuration('250ms')).toBe(250);
  });

  it('refuses m and M (minutes to ms/Go/systemd, months to restic/borg) and anything unknown', () => {
    for (const text of ['5m', '90m', '5M', '1h5m', '3 parsecs', '', '7', 'd', '-1d', '1e3s']) {
      expect(parseDuration(text), text).toBeUndefined();
    }
  });

  it('an ambiguous unit is a config error naming the key and both unambiguous spellings', () => {
    const error = (() => {
      try {
        durationOrThrow('5m', 'db.keep.within');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).key).toBe('db.keep.within');
    expect((error as Error).message).toMatch(/ambiguous/);
    expect((error as ConfigError).hint).toMatch(/"5min".*"5mo"/);
    expect(() => validateKeepPolicy({ within: '5m' }, 'db.keep')).toThrow(/db\.keep\.within|ambiguous/);
    expect(() => validateKeepPolicy({ within: '5mo' }, 'db.keep')).not.toThrow();
  });
});
