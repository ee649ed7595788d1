import { AbortedError } from '../errors/aborted-error.js';
import type { BkEventListener } from '../events.js';
import { planRetention } from '../retention/plan-retention.js';
import type { KeepPolicy, RetentionDecision } from '../retention/types.js';
import { listFiles } from './listing.js';
import { loadMediaManifests, signalOption, snapshotInfo } from './manifest.js';
import { type HistoryIndex, historyStampFor, indexHistory } from './resolve.js';
import { isStamp, MEDIA_HISTORY } from './stamp.js';
import type { MediaManifest, MediaSnapshotInfo, MediaStorage } from './types.js';

/** Options of {@link pruneMediaSnapshots}. */
export interface PruneMediaOptions {
  /** Where the snapshots are. */
  storage: MediaStorage;
  /** Which snapshots to keep (config `media.keep`). The newest is always kept. */
  keep: KeepPolicy;
  /** Decide and report, delete nothing. @default false */
  dryRun?: boolean;
  /** Cancels the pruning (between deletions). */
  signal?: AbortSignal;
  /** Receives an `info` event per removed snapshot and history dir. */
  onEvent?: BkEventListener;
}

/** What {@link pruneMediaSnapshots} decided and removed. */
export interface PruneMediaResult {
  /** One decision per complete snapshot, newest first, with the rules that keep it. */
  decisions: RetentionDecision<MediaSnapshotInfo>[];
  /** Snapshots removed (with `dryRun`: that would be). */
  removed: MediaSnapshotInfo[];
  /** Stamps of the history dirs removed (with `dryRun`: that would be). */
  removedHistory: string[];
}

/**
 * The history dirs kept snapshots need. A sync at stamp T moves into `history/T` the versions it
 * replaces or deletes, which were current for the snapshots before T. The version of `path` in a
 * snapshot S is in `current`, or in the oldest history dir newer than S that holds `path` (the
 * position rule). `history/T` is needed if, for some kept snapshot S and some path of S, that dir
 * is T.
 */
export function neededHistoryStamps(kept: readonly MediaManifest[], index: HistoryIndex): Set<string> {
  const needed = new Set<string>();
  for (const manifest of kept) {
    for (const entry of manifest.entries) {
      const stamp = historyStampFor(index, entry.path, manifest.stamp);
      if (stamp !== undefined) needed.add(stamp);
    }
  }
  return needed;
}

/**
 * Applies a keep policy to media snapshots: removes the manifests of the snapshots it does not
 * keep (never the newest), then every history dir no kept snapshot needs (see
 * {@link neededHistoryStamps}), so snapshots and their history go together. History dirs newer than
 * the newest snapshot (an unfinished or running sync) are never removed. Removal order (manifests
 * first) means an interrupted prune leaves only unreferenced history, removed next time.
 */
export async function pruneMediaSnapshots(options: PruneMediaOptions): Promise<PruneMediaResult> {
  const { storage, signal } = options;
  const call = signalOption(signal);
  const manifests = await loadMediaManifests(storage, call);
  const newest = manifests[0];
  if (newest === undefined) return { decisions: [], removed: [], removedHistory: [] };

  const infos = manifests.map(snapshotInfo);
  const decisions = planRetention(infos, options.keep, {
    time: (info) => new Date(info.createdAt),
    protect: (info) => info.stamp === newest.stamp,
  });
  const keptStamps = new Set(
    decisions.filter((decision) => decision.keep).map((decision) => decision.item.stamp),
  );
  const removed = decisions.filter((decision) => !decision.keep).map((decision) => decision.item);

  const historyPath = storage.remotePath(MEDIA_HISTORY);
  const [historyFiles, historyDirs] = await Promise.all([
    listFiles(storage.rclone, historyPath, call),
    storage.list(MEDIA_HISTORY, call),
  ]);
  const needed = neededHistoryStamps(
    manifests.filter((manifest) => keptStamps.has(manifest.stamp)),
    indexHistory(historyFiles.values()),
  );
  const removedHistory = historyDirs
    .filter((entry) => entry.isDir && isStamp(entry.name))
    .map((entry) => entry.name)
    .filter((stamp) => !needed.has(stamp) && stamp <= newest.stamp)
    .sort();

  if (!options.dryRun) {
    for (const info of removed) {
      if (signal?.aborted) throw new AbortedError('media cleanup', { cause: signal.reason });
      await storage.delete(info.path, call);
      options.onEvent?.({
        type: 'info',
        operation: 'cleanup',
        database: 'media',
        message: `removed media snapshot ${info.stamp}`,
      });
    }
    for (const stamp of removedHistory) {
      if (signal?.aborted) throw new AbortedError('media cleanup', { cause: signal.reason });
      await storage.rclone.purge(storage.remotePath(`${MEDIA_HISTORY}/${stamp}`), call);
      options.onEvent?.({
        type: 'info',
        operation: 'cleanup',
        database: 'media',
        message: `removed media history ${stamp}`,
      });
    }
  }
  return { decisions, removed, removedHistory };
}
