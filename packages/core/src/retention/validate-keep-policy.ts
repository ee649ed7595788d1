import { ConfigError } from '../errors/config-error.js';
import { durationOrThrow } from '../time/duration.js';
import type { KeepPolicy } from './types.js';

const COUNT_RULES = ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;

/**
 * Checks a keep policy from config or flags: a whole number ≥ 1 (keep the last N), or an object of
 * rules `last`, `hourly`, `daily`, `weekly`, `monthly`, `yearly` (whole numbers ≥ 1) and `within`
 * (a duration of the shared grammar: `"7d"`, `"36h"`, `"2w"`, `"6mo"`, `"1y"`; the ambiguous `"5m"` is
 * refused), with at least one rule. A count below 1 is rejected: it would
 * delete every backup.
 *
 * @param key - config key named in the error. @default "keep"
 * @throws {@link ConfigError} naming `key` when the policy is invalid.
 */
export function validateKeepPolicy(policy: unknown, key = 'keep'): KeepPolicy {
  const fail = (why: string): never => {
    throw new ConfigError(`invalid keep policy ${JSON.stringify(policy)}: ${why}`, {
      key,
      hint: 'use a whole number of backups to keep (at least 1) or rules like { "last": 7, "daily": 14 }',
    });
  };
  const checkCount = (value: unknown, name: string) => {
    if (typeof value !== 'number' || !Number.isInteger(value)) fail(`${name} must be a whole number`);
    if ((value as number) < 1) fail(`${name} must be at least 1`);
  };
  if (typeof policy === 'number') {
    checkCount(policy, 'keep');
    return policy;
  }
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) {
    return fail('it must be a number or an object of rules');
  }
  const rules = policy as Record<string, unknown>;
  const names = Object.keys(rules).filter((name) => rules[name] !== undefined);
  if (names.length === 0) fail('it has no rule');
  for (const name of names) {
    if (name === 'within') {
      if (typeof rules.within !== 'string')
        fail('within must be a duration such as "7d", "36h", "2w" or "6mo"');
      if (durationOrThrow(rules.within as string, `${key}.within`) <= 0) fail('within must be longer than 0');
    } else if ((COUNT_RULES as readonly string[]).includes(name)) {
      checkCount(rules[name], name);
    } else {
      fail(`unknown rule "${name}" (known: ${[...COUNT_RULES, 'within'].join(', ')})`);
    }
  }
  return policy as KeepPolicy;
}
