import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import createDebug from 'debug';
import { AbortedError } from '../errors/aborted-error.js';
import { BackupNotFoundError } from '../errors/backup-not-found-error.js';
import { BkError } from '../errors/bk-error.js';
import { ConfigError } from '../errors/config-error.js';
import type { BkEvent } from '../events.js';
import { validateKeepPolicy } from '../retention/validate-keep-policy.js';
import { checkMediaNames } from './check-names.js';
import { describeFiles, detectRemoteFeatures } from './hashes.js';
import { listFiles, sameTime } from './listing.js';
import {
  findMediaSnapshot,
  manifestPath,
  signalOption,
  snapshotInfo,
  writeMediaManifest,
} from './manifest.js';
import { localPath } from './names.js';
import { pruneMediaSnapshots } from './retention.js';
import { MediaNotices } from './skip-notices.js';
import {
  isStamp,
  MEDIA_CURRENT,
  MEDIA_HISTORY,
  MEDIA_PARTIAL,
  MEDIA_SNAPSHOTS,
  nextStamp,
  STAGING_EXCLUDE,
} from './stamp.js';
import type { MediaBackupOptions, MediaBackupResult, MediaManifest, MediaStorage } from './types.js';

const debug = createDebug('bk:core:media');

/**
 * Backs up a media directory with history: `rclone sync <root> <remote>/media/current
 * --backup-dir <remote>/media/history/<stamp>`, so every file the sync replaces or deletes is kept,
 * then writes the snapshot manifest `media/snapshots/<stamp>.json` last (staged, then moved). Only
 * new and changed files are transferred.
 *
 * Refuses with a {@link ConfigError}, before changing anything, when the root is missing, when it
 * is empty while the remote is not, or when the sync would delete more than `maxDeleteRatio` of
 * the remote's files (the last two unless `force`). Retention (`keep`) runs only after a
 * successful backup and never removes the snapshot just made.
 *
 * @throws ConfigError on a missing root, a refused sync, a bad `keep` or `maxDeleteRatio`.
 * @throws RcloneError (from `@bk/rclone`) when rclone fails; no manifest is written then.
 */
export async function mediaBackup(options: MediaBackupOptions): Promise<MediaBackupResult> {
  const { storage, signal, onEvent } = options;
  const started = Date.now();
  const emit = (event: BkEvent) => onEvent?.(event);
  try {
    return await runBackup(options, emit);
  } catch (error) {
    if (BkError.isInstance(error)) {
      emit({
        type: 'failed',
        operation: 'mediabackup',
        database: 'media',
        durationMs: Date.now() - started,
        error,
      });
    }
    if (signal?.aborted && !BkError.isInstance(error))
      throw new AbortedError('media backup', { cause: error });
    debug('media backup to %s failed: %O', storage.location, error);
    throw error;
  }
}

async function runBackup(
  options: MediaBackupOptions,
  emit: (event: BkEvent) => void,
): Promise<MediaBackupResult> {
  const { storage, signal } = options;
  const started = Date.now();
  const createdAt = (options.now ?? (() => new Date()))();
  const root = resolve(options.root);
  const exclude = [...(options.exclude ?? [])];
  // A restore's staging dir (left behind only if a restore was killed) is never backed up.
  const filters = [...exclude, STAGING_EXCLUDE];
  const maxDeleteRatio = options.maxDeleteRatio ?? 0.5;
  const dryRun = options.dryRun ?? false;
  if (!(maxDeleteRatio >= 0 && maxDeleteRatio <= 1)) {
    throw new ConfigError(`maxDeleteRatio must be between 0 and 1, got ${maxDeleteRatio}`, {
      key: 'maxDeleteRatio',
    });
  }
  if (options.keep !== undefined) validateKeepPolicy(options.keep, 'media.keep');
  await checkRoot(root);
  const { rclone } = storage;
  const call = signalOption(signal);
  const currentPath = storage.remotePath(MEDIA_CURRENT);

  const notices = new MediaNotices((warning) =>
    emit({ type: 'warning', operation: 'mediabackup', database: 'media', message: warning.message }),
  );
  const [local, remote, used, previous, features] = await Promise.all([
    listFiles(rclone, root, { exclude: filters, ...call, onNotice: notices.onNotice }),
    listFiles(rclone, currentPath, { exclude: filters, ...call }),
    usedStamps(storage, signal),
    findMediaSnapshot({ storage, ...call }).catch((error: unknown) => {
      if (BackupNotFoundError.isInstance(error)) return undefined;
      throw error;
    }),
    detectRemoteFeatures(rclone, storage.remotePath('media'), signal),
  ]);
  // Pre-flight, before anything is written: every name must come back byte-exact.
  // Directories rclone failed to list (it cannot read names holding `‛`) are checked as names too.
  const unlisted = notices.fatal
    .map((warning) => warning.path)
    .filter((path) => path !== '' && !localPath(path).ok);
  await checkMediaNames([...local.keys(), ...unlisted], {
    root,
    caseInsensitive: features.caseInsensitive,
  });
  notices.throwIfFatal('while listing the media root, so nothing was written');
  checkDeletes(root, local, remote, maxDeleteRatio, options.force ?? false);

  const stamp = nextStamp(createdAt, used);
  let localBytes = 0;
  for (const file of local.values()) localBytes += file.size;
  emit({
    type: 'started',
    operation: 'mediabackup',
    database: 'media',
    estimatedBytes: localBytes,
    name: stamp,
  });

  const sync = await rclone.sync(root, currentPath, {
    backupDir: storage.remotePath(`${MEDIA_HISTORY}/${stamp}`),
    exclude: filters,
    dryRun,
    ...call,
    onNotice: notices.onNotice,
    onProgress: (progress) =>
      emit({
        type: 'progress',
        operation: 'mediabackup',
        database: 'media',
        bytes: progress.bytes,
        speed: progress.speed,
        files: progress.transfers,
        estimatedBytes: progress.totalBytes ?? localBytes,
      }),
  });

  notices.throwIfFatal('during the sync, so no snapshot was written');
  const capability = { hashType: features.hashType, remoteHashes: features.remoteHashes };
  if (dryRun) {
    const transferred = sync.planned?.copy.length ?? sync.transferred;
    return {
      snapshot: {
        stamp,
        createdAt: createdAt.toISOString(),
        files: local.size,
        bytes: localBytes,
        path: manifestPath(stamp),
      },
      transferred,
      deleted: sync.planned?.delete.length ?? sync.deleted,
      unchanged: Math.max(0, local.size - transferred),
      bytes: 0,
      pruned: [],
      warnings: notices.warnings,
      dryRun: true,
    };
  }

  const current = await listFiles(rclone, currentPath, { exclude: filters, ...call });
  const entries = await describeFiles(rclone, currentPath, current, capability, previous, signal);
  let bytes = 0;
  let uploaded = 0;
  for (const entry of entries) {
    bytes += entry.size;
    const before = remote.get(entry.path);
    if (!before || before.size !== entry.size || !sameTime(before.modTime, entry.modTime))
      uploaded += entry.size;
  }
  const manifest: MediaManifest = {
    format: 'bk-media-snapshot',
    version: 1,
    stamp,
    createdAt: createdAt.toISOString(),
    finishedAt: new Date().toISOString(),
    host: options.host ?? hostname(),
    hashType: capability.hashType,
    remoteHashes: capability.remoteHashes,
    exclude,
    files: entries.length,
    bytes,
    entries,
  };
  if (signal?.aborted) throw new AbortedError('media backup', { cause: signal.reason });
  await writeMediaManifest(storage, manifest, call);
  const snapshot = snapshotInfo(manifest);
  emit({
    type: 'completed',
    operation: 'mediabackup',
    database: 'media',
    bytes: uploaded,
    durationMs: Date.now() - started,
    name: stamp,
  });

  const pruned =
    options.keep === undefined
      ? []
      : (await pruneMediaSnapshots({ storage, keep: options.keep, ...call, ...eventOption(options) }))
          .removed;
  return {
    snapshot,
    transferred: sync.transferred,
    deleted: sync.deleted,
    unchanged: Math.max(0, entries.length - sync.transferred),
    bytes: uploaded,
    pruned,
    warnings: notices.warnings,
    dryRun: false,
  };
}

function eventOption(options: MediaBackupOptions): Pick<MediaBackupOptions, 'onEvent'> {
  return options.onEvent === undefined ? {} : { onEvent: options.onEvent };
}

async function checkRoot(root: string): Promise<void> {
  try {
    const info = await stat(root);
    if (!info.isDirectory()) {
      throw new ConfigError(`media root ${root} is not a directory`, {
        key: 'media.root',
        code: 'BK_MEDIA_ROOT_MISSING',
      });
    }
  } catch (error) {
    if (BkError.isInstance(error)) throw error;
    throw new ConfigError(`media root ${root} does not exist`, {
      key: 'media.root',
      code: 'BK_MEDIA_ROOT_MISSING',
      hint: 'check media.root in the config (relative paths are relative to the config file)',
      cause: error,
    });
  }
}

function checkDeletes(
  root: string,
  local: ReadonlyMap<string, unknown>,
  remote: ReadonlyMap<string, unknown>,
  maxDeleteRatio: number,
  force: boolean,
): void {
  if (force || remote.size === 0) return;
  if (local.size === 0) {
    throw new ConfigError(
      `media root ${root} is empty but the remote has ${remote.size} files: refusing to delete them all`,
      {
        key: 'media.root',
        code: 'BK_MEDIA_ROOT_EMPTY',
        hint: 'check media.root (an unmounted volume?); pass --force if the media really are gone',
      },
    );
  }
  let deletes = 0;
  for (const path of remote.keys()) if (!local.has(path)) deletes += 1;
  if (deletes / remote.size > maxDeleteRatio) {
    throw new ConfigError(
      `media backup would delete ${deletes} of ${remote.size} remote files (more than ${Math.round(maxDeleteRatio * 100)}%): refusing`,
      {
        key: 'media.root',
        code: 'BK_MEDIA_MASS_DELETE',
        hint: 'check media.root and media.exclude; pass --force to back up anyway (deleted files go to history)',
      },
    );
  }
}

/** Every stamp in use on the remote: snapshots, history dirs and partial manifests. */
async function usedStamps(storage: MediaStorage, signal: AbortSignal | undefined): Promise<string[]> {
  const call = signalOption(signal);
  const [snapshots, history, partial] = await Promise.all([
    storage.list(MEDIA_SNAPSHOTS, call),
    storage.list(MEDIA_HISTORY, call),
    storage.list(MEDIA_PARTIAL, call),
  ]);
  return [...snapshots, ...history, ...partial]
    .map((entry) => entry.name.replace(/\.json$/, ''))
    .filter((name) => isStamp(name));
}
