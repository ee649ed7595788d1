import type { BackupManifest } from './types.js';

const SHA256 = /^[0-9a-f]{64}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isIsoDate(value: unknown): value is string {
  return typeof value === 'string' && ISO_UTC.test(value) && !Number.isNaN(Date.parse(value));
}

function isSafeName(value: unknown): value is string {
  return (
    isNonEmptyString(value) &&
    !value.includes('/') &&
    !value.includes('\\') &&
    value !== '.' &&
    value !== '..' &&
    !/\p{Cc}/u.test(value)
  );
}

function problemOf(value: Record<string, unknown>): string | undefined {
  if (value.formatVersion !== 1) return 'unsupported formatVersion';
  for (const field of ['database', 'connector', 'engine', 'toolVersion', 'host', 'bkVersion'] as const) {
    if (!isNonEmptyString(value[field])) return `${field} is missing`;
  }
  if (
    value.serverVersion !== undefined &&
    value.serverVersion !== null &&
    typeof value.serverVersion !== 'string'
  ) {
    return 'serverVersion is not a string';
  }
  if (!isSafeName(value.name)) return 'name is not a plain file name';
  if (value.path !== `db/${value.name}`) return 'path does not match name';
  if (typeof value.bytes !== 'number' || !Number.isSafeInteger(value.bytes) || value.bytes < 0) {
    return 'bytes is not a non-negative integer';
  }
  if (typeof value.sha256 !== 'string' || !SHA256.test(value.sha256)) return 'sha256 is not a hex sha256';
  if (!isIsoDate(value.startedAt)) return 'startedAt is not an ISO 8601 UTC time';
  if (!isIsoDate(value.finishedAt)) return 'finishedAt is not an ISO 8601 UTC time';
  if (value.rowCounts !== undefined) {
    if (typeof value.rowCounts !== 'object' || value.rowCounts === null || Array.isArray(value.rowCounts)) {
      return 'rowCounts is not an object';
    }
    for (const count of Object.values(value.rowCounts)) {
      if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0)
        return 'rowCounts has a bad count';
    }
  }
  return undefined;
}

/** The result of {@link parseManifest}: a manifest, or why the text is not one. */
export type ManifestParseResult = { ok: true; manifest: BackupManifest } | { ok: false; reason: string };

/**
 * Parses and validates a manifest. Anything malformed (bad JSON, a missing or ill-typed field,
 * a path that does not match the name) is rejected: a file that is not a valid manifest does not
 * make a backup. Unknown extra fields are allowed (written by newer versions).
 */
export function parseManifest(text: string | Uint8Array): ManifestParseResult {
  let value: unknown;
  try {
    value = JSON.parse(typeof text === 'string' ? text : Buffer.from(text).toString('utf8'));
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'not a JSON object' };
  }
  const record = value as Record<string, unknown>;
  const problem = problemOf(record);
  if (problem) return { ok: false, reason: problem };
  const manifest = { ...record } as unknown as BackupManifest;
  if (record.serverVersion === null) manifest.serverVersion = undefined;
  return { ok: true, manifest };
}
