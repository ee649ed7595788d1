import { ConfigError } from '../errors/config-error.js';

const STAMP = /^(\d{4})-(\d{2})-(\d{2})-(\d{2})(\d{2})(\d{2})$/;

/** Remote layout of media backups, relative to the storage base. */
export const MEDIA_CURRENT = 'media/current';
/** Where each sync moves the files it replaced or deleted: `media/history/<stamp>`. */
export const MEDIA_HISTORY = 'media/history';
/** Snapshot manifests: `media/snapshots/<stamp>.json`. */
export const MEDIA_SNAPSHOTS = 'media/snapshots';
/** Manifests being written; never listed. */
export const MEDIA_PARTIAL = 'media/.partial';
/** Prefix of the staging directory a restore downloads into, inside the media root. */
export const MEDIA_RESTORE_STAGING_PREFIX = '.bk-restore-';
/** rclone filter leaving restore staging dirs out of backups and restore listings. */
export const STAGING_EXCLUDE = `/${MEDIA_RESTORE_STAGING_PREFIX}*/**`;

/** Formats a date as a media stamp, `YYYY-MM-DD-HHMMSS` in UTC. */
export function formatStamp(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

/** True if `value` is a well-formed media stamp. */
export function isStamp(value: string): boolean {
  const match = STAMP.exec(value);
  if (!match) return false;
  return formatStamp(stampToDate(value)) === value;
}

/** The UTC instant of a well-formed stamp. */
export function stampToDate(stamp: string): Date {
  const [, year, month, day, hour, minute, second] = STAMP.exec(stamp) ?? [];
  return new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
}

/** Checks a user-given stamp (`--at`); throws a {@link ConfigError} when malformed. */
export function validateStamp(stamp: string, key = 'at'): string {
  if (!isStamp(stamp)) {
    throw new ConfigError(`media snapshot stamp "${stamp}" is not of the form YYYY-MM-DD-HHMMSS`, {
      key,
      hint: 'run bk listbackups --media to see the stamps',
    });
  }
  return stamp;
}

/**
 * The stamp for a new snapshot: the time of `date`, or one second after the newest stamp already
 * used on the remote (by a snapshot, a history dir or a partial manifest), whichever is later.
 * Stamps therefore never repeat and sort in the order the syncs ran, which restore relies on.
 */
export function nextStamp(date: Date, used: Iterable<string>): string {
  let newest: string | undefined;
  for (const stamp of used) if (newest === undefined || stamp > newest) newest = stamp;
  const candidate = formatStamp(date);
  if (newest === undefined || candidate > newest) return candidate;
  return formatStamp(new Date(stampToDate(newest).getTime() + 1000));
}
