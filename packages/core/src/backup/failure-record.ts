import createDebug from 'debug';
import type { Storage } from '../contracts/storage.js';
import { PARTIAL_DIR } from '../layout/paths.js';

const debug = createDebug('bk:core:failure-record');

const PREFIX = '.failed-';

/** How long writing a failure record may take. */
const WRITE_TIMEOUT_MS = 15_000;

/**
 * What a failed backup leaves behind besides its (removed) staged upload: one small JSON object,
 * `db/.partial/.failed-<database>.json`, so that retention run from any host (`bk cleanup`) can
 * refuse to prune a database whose last backup failed. The next successful backup of that
 * database removes it. A backup killed with SIGKILL writes none (it cannot); its stale lock is the
 * trace it leaves.
 */
export interface FailureRecord {
  /** Record format version. */
  formatVersion: 1;
  /** The database alias. */
  database: string;
  /** ISO 8601 UTC time the failed backup started. */
  startedAt: string;
  /** ISO 8601 UTC time it failed. */
  failedAt: string;
  /** Host name of the run that failed. */
  host: string;
  /** The error's one-line message (secrets already redacted by the errors bk throws). */
  error: string;
}

/** Path of the failure record of `database`, relative to the remote base. */
export function failureRecordPath(database: string): string {
  return `${PARTIAL_DIR}/${PREFIX}${database}.json`;
}

/** True for the name of a failure record (the sweep of stale uploads leaves them alone). */
export function isFailureRecordName(name: string): boolean {
  return name.startsWith(PREFIX) && name.endsWith('.json');
}

/** Writes the failure record, best effort: a remote that fails here already failed the backup. */
export async function writeFailureRecord(storage: Storage, record: FailureRecord): Promise<void> {
  try {
    // A remote that just went away must not hold the failed run up for rclone's retries.
    await storage.write(failureRecordPath(record.database), `${JSON.stringify(record)}\n`, {
      signal: AbortSignal.timeout(WRITE_TIMEOUT_MS),
    });
  } catch (error) {
    debug('could not write the failure record of %s: %O', record.database, error);
  }
}

/**
 * Reads the failure record of `database`: `undefined` when there is none (the last backup that
 * finished, succeeded) or when it is unreadable.
 */
export async function readFailureRecord(options: {
  storage: Storage;
  database: string;
  signal?: AbortSignal | undefined;
}): Promise<FailureRecord | undefined> {
  let text: string;
  try {
    const call = options.signal ? { signal: options.signal } : {};
    text = (await options.storage.read(failureRecordPath(options.database), call)).toString('utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'BK_RCLONE_NOT_FOUND') return undefined;
    throw error;
  }
  try {
    const record = JSON.parse(text) as FailureRecord;
    if (record?.formatVersion !== 1 || Number.isNaN(Date.parse(record.failedAt))) return undefined;
    return record;
  } catch {
    return undefined;
  }
}
