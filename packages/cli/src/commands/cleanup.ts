import { applyRetention, type BackupInfo, BkError, type RetentionDecision } from '@bk/core';
import { CommandFailedError } from '../command-failed-error.js';
import { createConfiguredStorage } from '../config/create-storage.js';
import { selectDatabases } from '../config/select-databases.js';
import type { CommandContext } from '../context.js';
import { checkPruneSafety } from '../ops/prune-guard.js';
import { backupJson } from '../output/backup-json.js';
import { formatTable } from '../output/format.js';
import { serializeError } from '../output/reporter.js';
import { UsageError } from '../usage-error.js';
import { locked, parseDurationFlag } from './locking.js';
import { sweepLeftovers } from './sweep.js';
import { sweepScratchDatabases } from './sweep-scratch.js';

/** Options of `bk cleanup`. */
export interface CleanupOptions {
  /** `--physical`: PostgreSQL point-in-time recovery (base backups and WAL). */
  physical?: boolean;
  database?: string;
  media?: boolean;
  dryRun?: boolean;
  partialsOlderThan?: string;
  wait?: string;
}

/**
 * `bk cleanup`: applies each database's `keep` (or `db.keep`), printing each backup with the rules
 * that keep it, or `remove`. Before pruning it verifies the newest backup and reads the run log: a
 * database whose last backup failed, or whose newest backup does not verify, is not pruned (exit 1).
 * A database another run holds locked is skipped and named at the end (exit 1); the others are
 * still pruned, and leftovers of killed runs are still swept.
 */
export async function run(context: CommandContext, options: CleanupOptions) {
  if (options.physical) return (await import('./physical/cleanup.js')).run(context, options);
  const { reporter, signal } = context;
  if (options.media) {
    const misplaced = [options.database !== undefined && '--database'].filter(Boolean);
    if (misplaced.length > 0) {
      throw new UsageError(`${misplaced.join(', ')} does not apply to --media`, {
        hint: 'run bk cleanup --media [--dry-run] on its own',
      });
    }
    const { cleanupMedia } = await import('./cleanup-media.js');
    return cleanupMedia(context, {
      dryRun: options.dryRun === true,
      waitMs: parseDurationFlag('--wait', options.wait, 0),
      olderThanMs: parseDurationFlag('--partials-older-than', options.partialsOlderThan, 24 * 3_600_000),
    });
  }
  const config = await context.config();
  const waitMs = parseDurationFlag('--wait', options.wait, 0);
  const olderThanMs = parseDurationFlag('--partials-older-than', options.partialsOlderThan, 24 * 3_600_000);
  const databases = selectDatabases(config, {
    names: options.database === undefined ? [] : [options.database],
    whenNone: 'all',
  });
  const storage = createConfiguredStorage(config);
  const dryRun = options.dryRun === true;
  const results: { database: string; decisions: RetentionDecision<BackupInfo>[]; removed: BackupInfo[] }[] =
    [];
  const refused: { database: string; error: CommandFailedError }[] = [];
  const skipped: { database: string; error: CommandFailedError }[] = [];
  for (const database of databases) {
    const keep = database.keep ?? config.db.keep;
    if (keep === undefined) {
      reporter.note(`${database.name}: no retention policy (databases.${database.name}.keep or db.keep)`);
      continue;
    }
    let outcome: Awaited<ReturnType<typeof applyRetention>>;
    try {
      outcome = await locked(storage, database.name, 'cleanup', waitMs, signal, async () => {
        const refusal = await checkPruneSafety({
          storage,
          database: database.name,
          logFile: config.ops.logFile,
          signal,
        });
        if (refusal)
          refused.push({
            database: database.name,
            error: new CommandFailedError(refusal.reason, {}, refusal),
          });
        return applyRetention({
          storage,
          database: database.name,
          keep,
          dryRun: dryRun || refusal !== undefined,
          signal,
          onEvent: reporter.onEvent,
        });
      });
    } catch (error) {
      // A database another run holds is reported at the end; the others are still processed.
      if (signal.aborted || !BkError.isInstance(error) || error.code !== 'BK_LOCK_HELD') throw error;
      skipped.push({
        database: database.name,
        error: new CommandFailedError(
          error.message,
          {},
          error.hint === undefined ? {} : { hint: error.hint },
        ),
      });
      continue;
    }
    const blocked = refused.some((refusal) => refusal.database === database.name);
    results.push({ database: database.name, ...outcome, ...(blocked ? { removed: [] } : {}) });
    const rows = outcome.decisions.map((decision) => [
      decision.keep ? 'keep' : blocked ? 'remove (refused)' : 'remove',
      decision.item.path,
      decision.keep ? decision.keptBy.join(', ') : '',
    ]);
    if (rows.length === 0) reporter.note(`${database.name}: no backups`);
    for (const line of formatTable(rows)) reporter.print(line);
  }
  const removed = results.reduce((count, result) => count + result.removed.length, 0);
  const wouldRemove = results.reduce(
    (count, result) => count + result.decisions.filter((decision) => !decision.keep).length,
    0,
  );
  const swept = await sweepLeftovers(context, storage, { olderThanMs, dryRun });
  const scratchDatabases = await sweepScratchDatabases(context, databases, { olderThanMs, dryRun });
  reporter.note(dryRun ? `dry run: ${wouldRemove} would be removed, nothing changed` : `${removed} removed`);
  const result = {
    dryRun,
    swept,
    scratchDatabases,
    failed: [...refused, ...skipped].map(({ database, error }) => ({
      database,
      error: serializeError(error),
    })),
    databases: results.map((result) => ({
      database: result.database,
      decisions: result.decisions.map((decision) => ({
        ...backupJson(decision.item),
        keep: decision.keep,
        keptBy: decision.keptBy,
      })),
      removed: result.removed.map(backupJson),
    })),
  };
  for (const { database, error } of [...refused, ...skipped]) reporter.error(error, `${database}: `);
  const names = (list: typeof refused) => list.map(({ database }) => database).join(', ');
  const problems = [
    refused.length > 0 &&
      `cleanup refused for ${names(refused)}: nothing of ${refused.length === 1 ? 'it' : 'them'} was removed`,
    skipped.length > 0 && `skipped ${names(skipped)}: locked by another run`,
  ].filter((problem): problem is string => typeof problem === 'string');
  if (problems.length > 0) {
    throw new CommandFailedError(problems.join('; '), result, {
      hint:
        refused.length > 0
          ? 'make a fresh backup that verifies, then run bk cleanup again'
          : 'run bk cleanup again once the other run has finished (or pass --wait)',
    });
  }
  return result;
}
