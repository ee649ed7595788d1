import { MEDIA_PARTIAL, type PruneMediaResult, pruneMediaSnapshots } from '@bk/core';
import { createConfiguredStorage } from '../config/create-storage.js';
import type { CommandContext } from '../context.js';
import { formatTable } from '../output/format.js';
import { lockedMedia } from './locking.js';
import { requireMedia } from './media-config.js';
import { sweepLeftovers } from './sweep.js';

/**
 * `bk cleanup --media`: applies `media.keep` to the media snapshots, printing each with the rules
 * that keep it, or `remove`, then removes the dropped snapshots' manifests and the history no kept
 * snapshot needs. The newest snapshot, and history newer than it (a sync still running), are never
 * removed. Then sweeps snapshot manifests that killed media backups left in `media/.partial/`
 * (older than `olderThanMs`). All of it under the media lock; with `dryRun` nothing changes.
 */
export async function cleanupMedia(
  context: CommandContext,
  options: { dryRun: boolean; waitMs: number; olderThanMs: number },
) {
  const { reporter, signal } = context;
  const { dryRun } = options;
  const config = await context.config();
  const media = requireMedia(config);
  const storage = createConfiguredStorage(config);
  // A wrong crypt password lists nothing: check() says so instead of "no snapshots".
  await storage.check({ signal });
  const work = async () => {
    const outcome =
      media.keep === undefined
        ? undefined
        : await pruneMediaSnapshots({ storage, keep: media.keep, dryRun, signal, onEvent: reporter.onEvent });
    if (outcome === undefined)
      reporter.note('media: no retention policy (media.keep); no snapshot is pruned');
    else report(context, outcome, dryRun);
    const swept = await sweepLeftovers(context, storage, {
      olderThanMs: options.olderThanMs,
      dryRun,
      dir: MEDIA_PARTIAL,
      checked: true,
    });
    return { outcome, swept };
  };
  const { outcome, swept } = dryRun
    ? await work()
    : await lockedMedia(storage, 'cleanup', options.waitMs, signal, work);
  if (outcome === undefined) return { dryRun, media: null, swept };
  return {
    dryRun,
    media: {
      decisions: outcome.decisions.map((decision) => ({
        ...decision.item,
        keep: decision.keep,
        keptBy: decision.keptBy,
      })),
      removed: outcome.removed,
      removedHistory: outcome.removedHistory,
    },
    swept,
  };
}

/** Prints each snapshot with the rules that keep it (or `remove`), then a summary line. */
function report(context: CommandContext, outcome: PruneMediaResult, dryRun: boolean): void {
  const { reporter } = context;
  const rows = outcome.decisions.map((decision) => [
    decision.keep ? 'keep' : 'remove',
    decision.item.stamp,
    decision.keep ? decision.keptBy.join(', ') : '',
  ]);
  if (rows.length === 0) reporter.note('media: no snapshots');
  for (const line of formatTable(rows)) reporter.print(line);
  const wouldRemove = outcome.decisions.filter((decision) => !decision.keep).length;
  reporter.note(
    dryRun
      ? `dry run: ${wouldRemove} snapshot(s) and ${outcome.removedHistory.length} history dir(s) would be removed, nothing changed`
      : `${outcome.removed.length} snapshot(s) and ${outcome.removedHistory.length} history dir(s) removed`,
  );
}
