import { type BackupInfo, listBackups, readFailureRecord, type Storage, verifyBackup } from '@bk/core';
import { summarizeError } from '../output/error-output.js';
import { readRunLog } from './run-log.js';

/** Why pruning a database is refused, or `undefined` when it is safe. */
export type PruneRefusal = { reason: string; hint: string } | undefined;

/**
 * Decides whether retention may prune `database`: refuses when the last backup attempt failed
 * after the newest complete backup was made — as the remote's failure record says (written by the
 * failed run on any host), or this host's run log (an `interrupted` run does not count) — or when the
 * newest complete backup does not
 * verify (size and sha256 re-read from the remote). With no backups there is nothing to prune.
 */
export async function checkPruneSafety(options: {
  storage: Storage;
  database: string;
  logFile: string | undefined;
  signal: AbortSignal;
}): Promise<PruneRefusal> {
  const { storage, database, signal } = options;
  const [newest] = await listBackups({ storage, database, signal });
  if (!newest) return undefined;
  const record = await readFailureRecord({ storage, database, signal });
  if (record && Date.parse(record.failedAt) > Date.parse(newest.startedAt)) {
    return {
      reason: `the last backup of ${database} (${record.startedAt} on ${record.host}) failed: ${record.error}; not pruning until a backup succeeds`,
      hint: `fix the failure and run bk dbbackup -d ${database}; cleanup prunes again after a successful backup`,
    };
  }
  if (options.logFile) {
    const refusal = await failedAttempt(options.logFile, database, newest);
    if (refusal) return refusal;
  }
  try {
    await verifyBackup({ storage, backup: newest, signal });
  } catch (error) {
    if (signal.aborted) throw error;
    return {
      reason: `the newest backup ${newest.path} does not verify (${summarizeError(error).message}): not pruning ${database}`,
      hint: `make a fresh backup (bk dbbackup -d ${database}), then run bk cleanup again`,
    };
  }
  return undefined;
}

async function failedAttempt(logFile: string, database: string, newest: BackupInfo): Promise<PruneRefusal> {
  const records = await readRunLog(logFile);
  const last = records.findLast((record) => record.command === 'dbbackup' && record.database === database);
  // An interrupted run (Ctrl-C, SIGTERM) failed at nothing: it does not block pruning, whose
  // other checks (the newest backup verifies) still apply.
  if (!last || last.status === 'succeeded' || last.status === 'interrupted') return undefined;
  if (Date.parse(last.start) < Date.parse(newest.startedAt)) return undefined;
  return {
    reason: `the last backup of ${database} (${last.start}) ${last.status}${last.error ? `: ${last.error}` : ''}; not pruning until a backup succeeds`,
    hint: `fix the failure and run bk dbbackup -d ${database}; cleanup prunes again after a successful backup`,
  };
}
