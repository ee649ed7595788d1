import createDebug from 'debug';
import type { Storage } from '../contracts/storage.js';
import type { BkEventListener } from '../events.js';
import { throwIfAborted } from '../layout/abort.js';
import { MANIFEST_SUFFIX, PARTIAL_DIR } from '../layout/paths.js';
import { pauseForTests } from '../layout/test-pause.js';
import { listBackups } from '../list/list-backups.js';
import type { BackupInfo } from '../manifest/types.js';
import { planRetention } from './plan-retention.js';
import type { KeepPolicy, RetentionDecision } from './types.js';
import { validateKeepPolicy } from './validate-keep-policy.js';

const debug = createDebug('bk:core');

/** Options of {@link applyRetention}. */
export interface ApplyRetentionOptions {
  /** Where the backups are. */
  storage: Storage;
  /** Only backups of this database alias are considered. */
  database: string;
  /** The keep policy (see `validateKeepPolicy`). */
  keep: KeepPolicy;
  /** Backup names that are always kept (the one just made). @default [] */
  protect?: readonly string[];
  /** Decide and report, but delete nothing. @default false */
  dryRun?: boolean;
  signal?: AbortSignal;
  /** Receives one `info` event per removed (or, with `dryRun`, removable) backup. */
  onEvent?: BkEventListener;
}

/** What {@link applyRetention} decided and removed. */
export interface ApplyRetentionResult {
  /** Every complete backup of the database with its decision, newest first. */
  decisions: RetentionDecision<BackupInfo>[];
  /** Backups removed (empty with `dryRun`). */
  removed: BackupInfo[];
}

/**
 * Applies a keep policy to the complete backups of one database (only backups with a valid
 * manifest exist for retention). Each removal deletes the manifest FIRST, then the object, so an
 * interrupted cleanup never leaves a listed backup without its object; an abort (Ctrl-C) is
 * honoured between removals, never inside one. Backups whose manifest is dated in the future are
 * kept, and the remote's write order guards the newest ones (see `planRetention`).
 *
 * @throws `ConfigError` for an invalid policy (before anything is deleted).
 */
export async function applyRetention(options: ApplyRetentionOptions): Promise<ApplyRetentionResult> {
  const { storage, database, signal } = options;
  const keep = validateKeepPolicy(options.keep);
  const protect = new Set(options.protect ?? []);
  const backups = await listBackups({ storage, database, signal });
  const decisions = planRetention(backups, keep, {
    time: (backup) => new Date(backup.startedAt),
    protect: (backup) => protect.has(backup.name),
    written: (backup) => (backup.writtenAt === undefined ? undefined : new Date(backup.writtenAt)),
    untrusted: (backup) => (backup.future ? `kept: ${backup.future.reason}` : undefined),
  });
  const removed: BackupInfo[] = [];
  for (const decision of decisions) {
    if (decision.keep) continue;
    const backup = decision.item;
    if (!options.dryRun) {
      throwIfAborted(signal, `cleanup of "${database}"`);
      debug('removing %s', backup.path);
      // Once started, a removal is not cut by Ctrl-C. Its manifest is moved into db/.partial/
      // first, so a kill -9 before the object is gone leaves the evidence `sweepOrphans` needs.
      const staged = `${PARTIAL_DIR}/${backup.name}${MANIFEST_SUFFIX}.pruning`;
      await storage.move(backup.manifestPath, staged);
      await pauseForTests('pruning', signal);
      await storage.delete(backup.path);
      await storage.delete(staged);
      removed.push(backup);
    }
    options.onEvent?.({
      type: 'info',
      operation: 'cleanup',
      database,
      message: `${options.dryRun ? 'would remove' : 'removed'} ${backup.name} (kept by no rule)`,
    });
  }
  return { decisions, removed };
}
