import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir, stat, utimes } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import createDebug from 'debug';
import { AbortedError } from '../errors/aborted-error.js';
import { BkError } from '../errors/bk-error.js';
import type { BkEvent } from '../events.js';
import { type ListedFile, listFiles, sameTime, withFilesFrom } from './listing.js';
import { findMediaSnapshot, signalOption, snapshotInfo } from './manifest.js';
import { MediaIntegrityError } from './media-integrity-error.js';
import { type ResolvedFile, resolveSnapshotFiles } from './resolve.js';
import { MEDIA_RESTORE_STAGING_PREFIX, STAGING_EXCLUDE } from './stamp.js';
import type { MediaFileEntry, MediaManifest, MediaRestoreOptions, MediaRestoreResult } from './types.js';

const debug = createDebug('bk:core:media');

/**
 * Restores a media snapshot (the latest, or the one at `at`) into `root`, exactly as it was: each
 * file comes from `media/current` where that still matches the snapshot, else from the history dir
 * holding the version later syncs moved away. Every source is found before anything local changes;
 * files are downloaded into a staging dir inside `root`, their hashes checked against the manifest,
 * then renamed into place with their modification times. Files already identical locally are not
 * copied. Local files not in the snapshot are kept unless `delete`.
 *
 * @throws BackupNotFoundError when there is no snapshot (or none at `at`).
 * @throws ConfigError when `at` is not a stamp.
 * @throws MediaIntegrityError when a file has no matching copy on the remote or its download does
 *   not match; nothing local was changed.
 */
export async function mediaRestore(options: MediaRestoreOptions): Promise<MediaRestoreResult> {
  const started = Date.now();
  const emit = (event: BkEvent) => options.onEvent?.(event);
  try {
    return await runRestore(options, emit);
  } catch (error) {
    if (BkError.isInstance(error)) {
      emit({
        type: 'failed',
        operation: 'mediarestore',
        database: 'media',
        durationMs: Date.now() - started,
        error,
      });
    }
    if (options.signal?.aborted && !BkError.isInstance(error)) {
      throw new AbortedError('media restore', { cause: error });
    }
    throw error;
  }
}

async function runRestore(
  options: MediaRestoreOptions,
  emit: (event: BkEvent) => void,
): Promise<MediaRestoreResult> {
  const { storage, signal } = options;
  const started = Date.now();
  const call = signalOption(signal);
  const root = resolve(options.root);
  const dryRun = options.dryRun ?? false;
  const manifest = await findMediaSnapshot({
    storage,
    ...call,
    ...(options.at === undefined ? {} : { at: options.at }),
  });
  const snapshot = snapshotInfo(manifest);
  emit({
    type: 'started',
    operation: 'mediarestore',
    database: 'media',
    estimatedBytes: manifest.bytes,
    name: snapshot.stamp,
  });

  const local = await listLocal(options, root, manifest);
  const wanted = new Set(manifest.entries.map((entry) => entry.path));
  const toRestore: MediaFileEntry[] = [];
  const toTouch: MediaFileEntry[] = [];
  for (const entry of manifest.entries) {
    const file = local.get(entry.path);
    const same =
      file !== undefined &&
      file.size === entry.size &&
      (entry.hash ? file.hash === entry.hash : sameTime(file.modTime, entry.modTime));
    if (!same) toRestore.push(entry);
    else if (!sameTime(file.modTime, entry.modTime)) toTouch.push(entry);
  }
  const toDelete = options.delete ? [...local.keys()].filter((path) => !wanted.has(path)).sort() : [];

  const { files, missing } = await resolveSnapshotFiles(storage, manifest, toRestore, signal);
  if (missing.length > 0) {
    throw new MediaIntegrityError(
      manifest.stamp,
      missing.map((entry) => entry.path),
      'no copy on the remote matches the manifest',
    );
  }
  files.sort((left, right) => (left.entry.path < right.entry.path ? -1 : 1));
  const restored = files.map(({ entry, source }) => ({ path: entry.path, size: entry.size, source }));
  let bytes = 0;
  for (const file of restored) bytes += file.size;
  const result: MediaRestoreResult = {
    snapshot,
    restored,
    deleted: toDelete,
    unchanged: manifest.entries.length - restored.length,
    bytes,
    dryRun,
  };
  if (dryRun) return result;

  await mkdir(root, { recursive: true });
  if (files.length > 0) await download(options, root, manifest, files, emit);
  for (const entry of toTouch) await setModTime(join(root, entry.path), entry.modTime);
  for (const path of toDelete) {
    await rm(join(root, path), { force: true });
    await removeEmptyParents(root, path);
  }
  emit({
    type: 'completed',
    operation: 'mediarestore',
    database: 'media',
    bytes,
    durationMs: Date.now() - started,
    name: snapshot.stamp,
  });
  return result;
}

/** Local files (minus the snapshot's excludes and staging dirs), hashed where the size matches. */
async function listLocal(
  options: MediaRestoreOptions,
  root: string,
  manifest: MediaManifest,
): Promise<Map<string, ListedFile>> {
  try {
    if (!(await stat(root)).isDirectory()) return new Map();
  } catch {
    return new Map();
  }
  const { rclone } = options.storage;
  const call = signalOption(options.signal);
  const exclude = [...manifest.exclude, STAGING_EXCLUDE];
  const local = await listFiles(rclone, root, { exclude, ...call });
  const sizes = new Map(manifest.entries.map((entry) => [entry.path, entry.size]));
  const sameSize = [...local.values()]
    .filter((file) => sizes.get(file.path) === file.size)
    .map((file) => file.path);
  const hashed = await listFiles(rclone, root, { hashType: manifest.hashType, only: sameSize, ...call });
  for (const file of hashed.values()) {
    const listed = local.get(file.path);
    if (listed && file.hash) listed.hash = file.hash;
  }
  return local;
}

/** Downloads into a staging dir, checks every hash, then renames into place. */
async function download(
  options: MediaRestoreOptions,
  root: string,
  manifest: MediaManifest,
  files: readonly ResolvedFile[],
  emit: (event: BkEvent) => void,
): Promise<void> {
  const { storage, signal } = options;
  const call = signalOption(signal);
  const staging = join(root, `${MEDIA_RESTORE_STAGING_PREFIX}${randomBytes(6).toString('hex')}`);
  const bySource = new Map<string, string[]>();
  for (const { entry, source } of files) bySource.set(source, [...(bySource.get(source) ?? []), entry.path]);
  let done = 0;
  let doneFiles = 0;
  try {
    for (const [source, paths] of [...bySource].sort(([left], [right]) => (left < right ? -1 : 1))) {
      const stats = await withFilesFrom(paths, (flags) =>
        storage.rclone.copy(storage.remotePath(`media/${source}`), staging, {
          flags: [...flags, '--ignore-times', '--no-traverse'],
          ...call,
          onProgress: (progress) =>
            emit({
              type: 'progress',
              operation: 'mediarestore',
              database: 'media',
              bytes: done + progress.bytes,
              speed: progress.speed,
              files: doneFiles + progress.transfers,
              estimatedBytes: manifest.bytes,
            }),
        }),
      );
      done += stats.bytes;
      doneFiles += stats.transferred;
    }
    const staged = await listFiles(storage.rclone, staging, { hashType: manifest.hashType, ...call });
    const bad = files
      .map(({ entry }) => entry)
      .filter((entry) => {
        const file = staged.get(entry.path);
        return !file || file.size !== entry.size || (entry.hash !== undefined && file.hash !== entry.hash);
      })
      .map((entry) => entry.path);
    if (bad.length > 0)
      throw new MediaIntegrityError(manifest.stamp, bad, 'downloaded files do not match the manifest');
    if (signal?.aborted) throw new AbortedError('media restore', { cause: signal.reason });
    for (const { entry } of files) {
      const target = join(root, entry.path);
      await mkdir(dirname(target), { recursive: true });
      await rename(join(staging, entry.path), target);
      const file = staged.get(entry.path);
      if (!file || !sameTime(file.modTime, entry.modTime)) await setModTime(target, entry.modTime);
    }
  } finally {
    await rm(staging, { recursive: true, force: true }).catch((error: unknown) =>
      debug('could not remove %s: %O', staging, error),
    );
  }
}

/** Sets a file's modification time from an ISO 8601 string, keeping sub-millisecond digits where it can. */
async function setModTime(path: string, modTime: string): Promise<void> {
  const match = /\.(\d+)/.exec(modTime);
  const whole = Date.parse(modTime.replace(/\.\d+/, '')) / 1000;
  const seconds = match ? whole + Number(`0.${match[1]}`) : whole;
  await utimes(path, seconds, seconds);
}

async function removeEmptyParents(root: string, path: string): Promise<void> {
  let dir = dirname(join(root, path));
  while (dir.startsWith(`${root}/`)) {
    if ((await readdir(dir).catch(() => ['?'])).length > 0) return;
    await rmdir(dir).catch(() => undefined);
    dir = dirname(dir);
  }
}
