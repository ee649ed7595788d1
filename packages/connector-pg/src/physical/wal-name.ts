import { ConfigError } from '@bk/core';

/** The default WAL segment size of PostgreSQL (`wal_segment_size`): 16 MiB. */
export const DEFAULT_WAL_SEGMENT_SIZE = 16 * 1024 * 1024;

/** What kind of file PostgreSQL hands to `archive_command` / asks of `restore_command`. */
export type WalFileKind = 'segment' | 'history' | 'backup' | 'partial';

/** A parsed WAL archive file name. */
export interface WalFileName {
  /** The name as given (`000000010000000000000002`). */
  name: string;
  kind: WalFileKind;
  /** The timeline as 8 upper-case hex digits (`00000001`): the archive's folder for this file. */
  timeline: string;
  /** The 16 hex digits after the timeline (log and segment), for segments, backup labels and partials. */
  position: string | undefined;
}

const PATTERNS: [WalFileKind, RegExp][] = [
  ['segment', /^([0-9A-F]{8})([0-9A-F]{16})$/],
  ['history', /^([0-9A-F]{8})\.history$/],
  ['backup', /^([0-9A-F]{8})([0-9A-F]{16})\.[0-9A-F]{8}\.backup$/],
  ['partial', /^([0-9A-F]{8})([0-9A-F]{16})\.partial$/],
];

/**
 * Parses a file name PostgreSQL archives (`%f`): a segment (`000000010000000000000002`), a
 * timeline history file (`00000002.history`), a backup history file
 * (`000000010000000000000002.00000028.backup`) or a partial segment. Returns `undefined` for
 * anything else (never a path: no `/`, no `..`).
 */
export function parseWalFileName(name: string): WalFileName | undefined {
  for (const [kind, pattern] of PATTERNS) {
    const match = pattern.exec(name);
    if (match) return { name, kind, timeline: match[1]!, position: match[2] };
  }
  return undefined;
}

/** Like {@link parseWalFileName}, but throws a `ConfigError` naming the bad name. */
export function requireWalFileName(name: string, key = 'SEGMENT'): WalFileName {
  const parsed = parseWalFileName(name);
  if (!parsed) {
    throw new ConfigError(`${JSON.stringify(name)} is not a WAL file name`, {
      key,
      hint: 'expected a segment such as 000000010000000000000002, a 00000002.history or a .backup file, as PostgreSQL passes in %f',
    });
  }
  return parsed;
}

function segmentsPerLogId(segmentSize: number): number {
  if (
    !Number.isInteger(segmentSize) ||
    segmentSize < 1024 * 1024 ||
    (segmentSize & (segmentSize - 1)) !== 0
  ) {
    throw new ConfigError(`wal_segment_size ${segmentSize} is not a power of two of at least 1 MiB`, {
      key: 'walSegmentSize',
    });
  }
  return 0x1_0000_0000 / segmentSize;
}

/** The ordinal of a segment (`log * segmentsPerLogId + seg`) from its name. */
export function segmentNumber(name: string, segmentSize = DEFAULT_WAL_SEGMENT_SIZE): number {
  const parsed = parseWalFileName(name);
  if (!parsed?.position) throw new ConfigError(`${JSON.stringify(name)} is not a WAL segment name`);
  const log = Number.parseInt(parsed.position.slice(0, 8), 16);
  const seg = Number.parseInt(parsed.position.slice(8), 16);
  return log * segmentsPerLogId(segmentSize) + seg;
}

/** The segment name of `number` on `timeline` (8 hex digits, or a number). */
export function segmentName(
  timeline: string | number,
  number: number,
  segmentSize = DEFAULT_WAL_SEGMENT_SIZE,
): string {
  const perId = segmentsPerLogId(segmentSize);
  const hex = (value: number) => value.toString(16).toUpperCase().padStart(8, '0');
  const tli = typeof timeline === 'number' ? hex(timeline) : timeline;
  return `${tli}${hex(Math.floor(number / perId))}${hex(number % perId)}`;
}

/** Parses an LSN (`0/2000028`) into a byte position. */
export function parseLsn(lsn: string): bigint {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn);
  if (!match) throw new ConfigError(`${JSON.stringify(lsn)} is not a WAL position (LSN)`);
  return (BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`);
}

/** The name of the segment holding `lsn` on `timeline`. */
export function segmentOfLsn(
  lsn: string,
  timeline: string | number,
  segmentSize = DEFAULT_WAL_SEGMENT_SIZE,
): string {
  return segmentName(timeline, Number(parseLsn(lsn) / BigInt(segmentSize)), segmentSize);
}

/** The segment holding the byte just before `lsn` (the last segment a backup ending at `lsn` needs). */
export function segmentBeforeLsn(
  lsn: string,
  timeline: string | number,
  segmentSize = DEFAULT_WAL_SEGMENT_SIZE,
): string {
  const position = parseLsn(lsn);
  return segmentName(
    timeline,
    Number((position > 0n ? position - 1n : 0n) / BigInt(segmentSize)),
    segmentSize,
  );
}
