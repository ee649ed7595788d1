import { localPath } from './names.js';
import { isStamp, MEDIA_RESTORE_STAGING_PREFIX } from './stamp.js';
import type { MediaFileEntry, MediaManifest } from './types.js';

const HASH_TYPE = /^[a-z0-9-]{1,32}$/;
const HEX = /^[0-9a-fA-F]{1,128}$/;

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isTime(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 64 && !Number.isNaN(Date.parse(value));
}

function entryProblem(value: unknown, index: number): string | MediaFileEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return `entries[${index}] is not an object`;
  const entry = value as Record<string, unknown>;
  const { path, size, modTime, hash } = entry;
  if (typeof path !== 'string') return `entries[${index}].path is not a string`;
  const local = localPath(path);
  if (!local.ok) return `entries[${index}].path ${JSON.stringify(path)} ${local.reason}`;
  if (path.split('/')[0]?.startsWith(MEDIA_RESTORE_STAGING_PREFIX))
    return `entries[${index}].path ${JSON.stringify(path)} is inside a restore staging dir`;
  if (!isCount(size)) return `entries[${index}].size is not a non-negative integer`;
  if (!isTime(modTime)) return `entries[${index}].modTime is not a time`;
  if (hash !== undefined && (typeof hash !== 'string' || !HEX.test(hash)))
    return `entries[${index}].hash is not hexadecimal`;
  return { path, size, modTime, ...(hash === undefined ? {} : { hash }) };
}

/**
 * Checks every field of a parsed media manifest and returns a fresh object holding only the known
 * fields (extra keys, `__proto__` included, are dropped), or the first problem found. Entry paths
 * must be relative, plain (no empty, `.` or `..` segment, no raw control character) and decodable
 * to a local name, so no forged path can lead a restore outside the media root; counts must be
 * non-negative safe integers that match the entries.
 */
export function validateMediaManifest(value: unknown): MediaManifest | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const record = value as Record<string, unknown>;
  if (record.format !== 'bk-media-snapshot') return 'format is not bk-media-snapshot';
  if (record.version !== 1) return 'unsupported version';
  const { stamp, createdAt, finishedAt, host, hashType, remoteHashes, exclude, files, bytes, entries } =
    record;
  if (typeof stamp !== 'string' || !isStamp(stamp)) return 'stamp is not YYYY-MM-DD-HHMMSS';
  if (!isTime(createdAt) || !isTime(finishedAt)) return 'createdAt or finishedAt is not a time';
  if (typeof host !== 'string') return 'host is not a string';
  if (typeof hashType !== 'string' || !HASH_TYPE.test(hashType)) return 'hashType is not an rclone hash name';
  if (typeof remoteHashes !== 'boolean') return 'remoteHashes is not a boolean';
  if (!Array.isArray(exclude) || !exclude.every((pattern) => typeof pattern === 'string'))
    return 'exclude is not a list of strings';
  if (!isCount(files) || !isCount(bytes)) return 'files or bytes is not a non-negative integer';
  if (!Array.isArray(entries)) return 'entries is not a list';
  const checked: MediaFileEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  for (const [index, raw] of entries.entries()) {
    const entry = entryProblem(raw, index);
    if (typeof entry === 'string') return entry;
    if (seen.has(entry.path)) return `entries[${index}].path ${JSON.stringify(entry.path)} is listed twice`;
    seen.add(entry.path);
    total += entry.size;
    checked.push(entry);
  }
  if (files !== checked.length) return `files is ${files} but there are ${checked.length} entries`;
  if (bytes !== total) return `bytes is ${bytes} but the entries add up to ${total}`;
  // A file path that is also a directory of another entry cannot both be restored.
  for (const path of seen) {
    const segments = path.split('/');
    for (let end = 1; end < segments.length; end++) {
      if (seen.has(segments.slice(0, end).join('/')))
        return `${JSON.stringify(segments.slice(0, end).join('/'))} is both a file and a directory`;
    }
  }
  return {
    format: 'bk-media-snapshot',
    version: 1,
    stamp,
    createdAt,
    finishedAt,
    host,
    hashType,
    remoteHashes,
    exclude: [...exclude] as string[],
    files,
    bytes,
    entries: checked,
  };
}
