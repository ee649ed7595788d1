import { UsageError } from '../../usage-error.js';

const ISO_WITH_ZONE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)$/;

/** A recovery target: the text PostgreSQL gets (fractions kept) and the moment for choosing a backup. */
export interface RecoveryTarget {
  /** The moment in PostgreSQL's own form (`2026-12-08 01:30:00.250+00`), fractions as given. */
  text: string;
  /** The moment as the user wrote it. */
  given: string;
  epochMs: number;
}

/**
 * Parses `--at`: ISO 8601 with a zone (`Z` or an offset), fractions of a second kept as given.
 * A time without a zone is ambiguous (the server's zone? the host's?): a usage error.
 */
export function parseRecoveryTarget(value: string): RecoveryTarget {
  const match = ISO_WITH_ZONE.exec(value.trim());
  let epochMs = Number.NaN;
  let text = '';
  if (match) {
    const [, year, month, day, hour, minute, second, fraction, zone = 'Z'] = match;
    const offset =
      zone === 'Z' ? 'Z' : zone.length === 3 ? `${zone}:00` : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
    const milliseconds = (fraction ?? '').slice(0, 4);
    epochMs = Date.parse(
      `${year}-${month}-${day}T${hour}:${minute}:${second ?? '00'}${milliseconds}${offset}`,
    );
    // PostgreSQL's recovery_target_time refuses the `T` and `Z` forms: its own form, fraction kept.
    text = `${year}-${month}-${day} ${hour}:${minute}:${second ?? '00'}${fraction ?? ''}${offset === 'Z' ? '+00' : offset}`;
  }
  if (!match || Number.isNaN(epochMs) || text === '') {
    throw new UsageError(`--at ${JSON.stringify(value)} is not an ISO 8601 time with a zone`, {
      hint: 'write it like 2026-12-08T01:30:00.250Z or 2026-12-08T02:30:00+01:00',
    });
  }
  return { text, epochMs, given: value.trim() };
}
