/** The manifest of one archived WAL file (`wal/<database>/<timeline>/<name>.json`), written last. */
export interface WalManifest {
  formatVersion: 1;
  kind: 'wal';
  /** Database alias. */
  database: string;
  /** WAL file name (`000000010000000000000002`). */
  name: string;
  /** Timeline, 8 hex digits. */
  timeline: string;
  /** Object path relative to the remote base. */
  path: string;
  /** Exact size in bytes. */
  bytes: number;
  /** Hex sha256 of the stored bytes. */
  sha256: string;
  /** ISO 8601 UTC time the file was archived (committed). */
  archivedAt: string;
  /** Host that archived it. */
  host: string;
  /** Version of `@bk/core` that wrote it. */
  bkVersion: string;
}

/** Where a base backup sits in the WAL (PostgreSQL positions), recorded in its manifest. */
export interface BaseBackupWal {
  /** WAL position the backup starts at (`0/2000028`). */
  startLsn: string;
  /** WAL position the backup ends at: recovery is consistent once past it. */
  endLsn: string;
  /** Timeline, 8 hex digits. */
  timeline: string;
  /** First segment recovery needs. */
  startSegment: string;
  /** Last segment needed to reach consistency. */
  endSegment: string;
  /** The server's `wal_segment_size` in bytes. */
  segmentSize: number;
}

/** The manifest of a base backup (`wal/<database>/base/<name>.json`), written last. */
export interface BaseBackupManifest {
  formatVersion: 1;
  kind: 'base-backup';
  database: string;
  connector: string;
  engine: string;
  serverVersion: string | undefined;
  toolVersion: string;
  /** Object name (`main-2026-12-08-013000.tar`). */
  name: string;
  /** Object path relative to the remote base (`wal/main/base/<name>`). */
  path: string;
  bytes: number;
  sha256: string;
  /** ISO 8601 UTC time the backup started. */
  startedAt: string;
  /** ISO 8601 UTC time the backup was committed: a restore target must be later. */
  finishedAt: string;
  host: string;
  bkVersion: string;
  wal: BaseBackupWal;
}

const SHA256 = /^[0-9a-f]{64}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;
const HEX8 = /^[0-9A-F]{8}$/;
const SEGMENT = /^[0-9A-F]{24}$/;
const LSN = /^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/;

function text(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function common(value: Record<string, unknown>): boolean {
  return (
    value.formatVersion === 1 &&
    text(value.database) &&
    text(value.name) &&
    !/[/\\]/.test(value.name as string) &&
    text(value.host) &&
    typeof value.bytes === 'number' &&
    Number.isSafeInteger(value.bytes) &&
    value.bytes >= 0 &&
    typeof value.sha256 === 'string' &&
    SHA256.test(value.sha256)
  );
}

function parseObject(data: string | Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Parses a WAL manifest; `undefined` when it is not a valid one for `path`. */
export function parseWalManifest(data: string | Uint8Array, path: string): WalManifest | undefined {
  const value = parseObject(data);
  if (value?.kind !== 'wal' || !common(value) || value.path !== path) return undefined;
  if (!HEX8.test(String(value.timeline)) || !ISO_UTC.test(String(value.archivedAt))) return undefined;
  return value as unknown as WalManifest;
}

/** Parses a base backup manifest; `undefined` when it is not a valid one for `path`. */
export function parseBaseBackupManifest(
  data: string | Uint8Array,
  path: string,
): BaseBackupManifest | undefined {
  const value = parseObject(data);
  if (value?.kind !== 'base-backup' || !common(value) || value.path !== path) return undefined;
  if (!ISO_UTC.test(String(value.startedAt)) || !ISO_UTC.test(String(value.finishedAt))) return undefined;
  const wal = value.wal as Record<string, unknown> | undefined;
  if (
    !wal ||
    !LSN.test(String(wal.startLsn)) ||
    !LSN.test(String(wal.endLsn)) ||
    !HEX8.test(String(wal.timeline)) ||
    !SEGMENT.test(String(wal.startSegment)) ||
    !SEGMENT.test(String(wal.endSegment)) ||
    typeof wal.segmentSize !== 'number' ||
    !Number.isSafeInteger(wal.segmentSize)
  ) {
    return undefined;
  }
  return value as unknown as BaseBackupManifest;
}
