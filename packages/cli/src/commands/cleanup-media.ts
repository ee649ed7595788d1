import { pruneMediaSnapshots } from '@bk/core';
import { createConfiguredStorage } from '../config/create-storage.js';
import type { CommandContext } from '../context.js';
import { formatTable } from '../output/format.js';
import { lockedMedia } from './locking.js';
import { requireMedia } from './media-config.js';

/**
 * `bk cleanup --media`: applies `media.keep` to the media snapshots, printing each with the rules
 * that keep it, or `remove`, then removes the dropped snapshots' manifests and the history no kept
 * snapshot needs. The newest snapshot, and history newer than it (a sync still running), are never
 * removed. With `dryRun` nothing changes.
 */
export async function cleanupMedia(context: CommandContext, dryRun: boolean, waitMs = 0) {
  const { reporter, signal } = context;
  const config = await context.config();
  const media = requireMedia(config);
  if (media.keep === undefined) {
    reporter.note('media: no retention policy (media.keep); nothing to do');
    return { dryRun, media: null };
  }
  const storage = createConfiguredStorage(config);
  // A wrong crypt password lists nothing: check() says so instead of "no snapshots".
  await storage.check({ signal });
  const prune = () =>
    pruneMediaSnapshots({ storage, keep: media.keep!, dryRun, signal, onEvent: reporter.onEvent });
  const outcome = dryRun ? await prune() : await lockedMedia(storage, 'cleanup', waitMs, signal, prune);
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
  };
}
