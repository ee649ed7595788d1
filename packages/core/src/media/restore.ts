import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import createDebug from 'debug';
import { AbortedError } from '../errors/aborted-error.js';
import { BkError } from '../errors/bk-error.js';
import type { BkEvent } from '../events.js';
import { applyRestore, checkRestoreTargets, type PlannedWrite } from './apply-restore.js';
import { type ListedFile, listFiles, sameTime, withFilesFrom } from './listing.js';
import { findMediaSnapshot, signalOption, snapshotInfo } from './manifest.js';
import { MediaIntegrityError } from './media-integrity-error.js';
import { displayName, localPath } from './names.js';
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
  const candidates = options.delete ? [...local.keys()].filter((path) => !wanted.has(path)).sort() : [];
  const names = new Map<string, string>();
  for (const entry of [...toRestore, ...toTouch]) names.set(entry.path, toLocal(manifest.stamp, entry.path));
  // A local file rclone lists under a name bk cannot turn back into bytes (not UTF-8) is left alone.
  const toDelete: string[] = [];
  for (const path of candidates) {
    const decoded = localPath(path);
    if (
      decoded.ok &&
      (await lstat(join(root, decoded.name)).then(
        (info) => info.isFile(),
        () => false,
      ))
    ) {
      toDelete.push(path);
      names.set(path, decoded.name);
    } else {
      emit({
        type: 'warning',
        operation: 'mediarestore',
        database: 'media',
        message: `${displayName(path)} is not in the snapshot but its name cannot be read back exactly: not deleted`,
      });
    }
  }

  const { files, missing } = await resolveSnapshotFiles(storage, manifest, toRestore, signal);
  if (missing.length > 0) {
    throw new MediaIntegrityError(
      manifest.stamp,
      missing.map((entry) => entry.path),
      'no copy on the remote matches the manifest',
    );
  }
  files.sort((left, right) => (left.entry.path < right.entry.path ? -1 : 1));
  // Pre-flight: every file can take its place, before the first change (dry runs say so too).
  await checkRestoreTargets(
    root,
    files.map(({ entry }) => names.get(entry.path) ?? entry.path),
  );
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
  await download(options, root, manifest, files, names, emit, {
    touches: toTouch.map((entry) => ({ local: names.get(entry.path) ?? entry.path, modTime: entry.modTime })),
    deletes: toDelete.map((path) => names.get(path) ?? path),
  });
  for (const path of toDelete) await removeEmptyParents(root, names.get(path) ?? path);
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

/** The local name of a snapshot path; a manifest path that cannot be one is refused before any change. */
function toLocal(stamp: string, path: string): string {
  const decoded = localPath(path);
  if (decoded.ok) return decoded.name;
  throw new BkError(
    'BK_MEDIA_NAME_UNSUPPORTED',
    `media snapshot ${stamp} holds the name ${displayName(path)}, which ${decoded.reason}: nothing was changed`,
    { hint: 'restore another snapshot (bk listbackups --media); see docs/media.md, "File names"' },
  );
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

/**
 * Downloads into a staging dir, checks every hash, then applies the whole change (renames into
 * place, times, deletes) with a rollback on failure.
 */
async function download(
  options: MediaRestoreOptions,
  root: string,
  manifest: MediaManifest,
  files: readonly ResolvedFile[],
  names: ReadonlyMap<string, string>,
  emit: (event: BkEvent) => void,
  rest: { touches: { local: string; modTime: string }[]; deletes: string[] },
): Promise<void> {
  const { storage, signal } = options;
  const call = signalOption(signal);
  const staging = join(root, `${MEDIA_RESTORE_STAGING_PREFIX}${randomBytes(6).toString('hex')}`);
  const bySource = new Map<string, string[]>();
  for (const { entry, source } of files) bySource.set(source, [...(bySource.get(source) ?? []), entry.path]);
  let done = 0;
  let doneFiles = 0;
  let keepStaging = false;
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
    const staged =
      files.length === 0
        ? new Map<string, ListedFile>()
        : await listFiles(storage.rclone, staging, { hashType: manifest.hashType, ...call });
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
    const writes: PlannedWrite[] = files.map(({ entry }) => {
      const file = staged.get(entry.path);
      const local = names.get(entry.path) ?? entry.path;
      return file && sameTime(file.modTime, entry.modTime) ? { local } : { local, modTime: entry.modTime };
    });
    await applyRestore(
      { root, staging, writes, touches: rest.touches, deletes: rest.deletes },
      {
        signal,
        onApplied: (applied) =>
          emit({
            type: 'progress',
            operation: 'mediarestore',
            database: 'media',
            phase: 'apply',
            bytes: done,
            files: applied,
            estimatedBytes: manifest.bytes,
          }),
      },
    );
  } catch (error) {
    // A failed rollback leaves the replaced files in the staging dir: never delete them.
    keepStaging = BkError.isInstance(error) && error.code === 'BK_MEDIA_ROLLBACK_FAILED';
    throw error;
  } finally {
    if (!keepStaging)
      await rm(staging, { recursive: true, force: true }).catch((error: unknown) =>
        debug('could not remove %s: %O', staging, error),
      );
  }
}

async function removeEmptyParents(root: string, path: string): Promise<void> {
  let dir = dirname(join(root, path));
  while (dir.startsWith(`${root}/`)) {
    if ((await readdir(dir).catch(() => ['?'])).length > 0) return;
    await rmdir(dir).catch(() => undefined);
    dir = dirname(dir);
  }
}
