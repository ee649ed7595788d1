import createDebug from 'debug';
import type { StorageCallOptions } from '../contracts/storage.js';
import { BackupNotFoundError } from '../errors/backup-not-found-error.js';
import { BkError } from '../errors/bk-error.js';
import { isStamp, MEDIA_PARTIAL, MEDIA_SNAPSHOTS, validateStamp } from './stamp.js';
import type { MediaManifest, MediaSnapshotInfo, MediaStorage } from './types.js';
import { validateMediaManifest } from './validate-manifest.js';

const debug = createDebug('bk:core:media');

/** Path of a snapshot's manifest, relative to the storage base. */
export function manifestPath(stamp: string): string {
  return `${MEDIA_SNAPSHOTS}/${stamp}.json`;
}

/** The listing entry of a manifest. */
export function snapshotInfo(manifest: MediaManifest): MediaSnapshotInfo {
  return {
    stamp: manifest.stamp,
    createdAt: manifest.createdAt,
    files: manifest.files,
    bytes: manifest.bytes,
    path: manifestPath(manifest.stamp),
  };
}

/**
 * Parses and checks a manifest (every field, see `validateMediaManifest`); throws a BkError naming
 * the path and the problem if it is not one.
 */
export function parseMediaManifest(text: string, path: string): MediaManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BkError('BK_MEDIA_MANIFEST_INVALID', `media manifest ${path} is not JSON`, { cause: error });
  }
  const manifest = validateMediaManifest(value);
  if (typeof manifest === 'string') {
    throw new BkError(
      'BK_MEDIA_MANIFEST_INVALID',
      `media manifest ${path} is not a valid bk media snapshot: ${manifest}`,
    );
  }
  return manifest;
}

/** Reads one snapshot's manifest. */
export async function readMediaManifest(
  storage: MediaStorage,
  stamp: string,
  options: StorageCallOptions = {},
): Promise<MediaManifest> {
  const path = manifestPath(stamp);
  const data = await storage.read(path, options);
  return parseMediaManifest(data.toString('utf8'), path);
}

/**
 * Writes a manifest last and atomically: to `media/.partial/<stamp>.json`, then moved to
 * `media/snapshots/<stamp>.json`. A snapshot without a manifest does not exist.
 */
export async function writeMediaManifest(
  storage: MediaStorage,
  manifest: MediaManifest,
  options: StorageCallOptions = {},
): Promise<void> {
  const staging = `${MEDIA_PARTIAL}/${manifest.stamp}.json`;
  await storage.write(staging, `${JSON.stringify(manifest)}\n`, options);
  await storage.move(staging, manifestPath(manifest.stamp), options);
}

/** Stamps of the manifests present (complete snapshots), oldest first, without reading them. */
export async function listSnapshotStamps(
  storage: MediaStorage,
  options: StorageCallOptions = {},
): Promise<string[]> {
  const entries = await storage.list(MEDIA_SNAPSHOTS, options);
  return entries
    .filter((entry) => !entry.isDir && entry.name.endsWith('.json') && isStamp(entry.name.slice(0, -5)))
    .map((entry) => entry.name.slice(0, -5))
    .sort();
}

/** Reads every complete snapshot's manifest, newest first. Unreadable manifests are skipped. */
export async function loadMediaManifests(
  storage: MediaStorage,
  options: StorageCallOptions = {},
): Promise<MediaManifest[]> {
  const stamps = await listSnapshotStamps(storage, options);
  const manifests: MediaManifest[] = [];
  // A few at a time: each read is one rclone process.
  for (let index = 0; index < stamps.length; index += 4) {
    const batch = stamps.slice(index, index + 4);
    const results = await Promise.allSettled(
      batch.map((stamp) => readMediaManifest(storage, stamp, options)),
    );
    for (const [position, result] of results.entries()) {
      if (result.status === 'fulfilled') manifests.push(result.value);
      else {
        options.signal?.throwIfAborted();
        debug('skipping unreadable media manifest %s: %O', batch[position], result.reason);
      }
    }
  }
  return manifests.sort((left, right) => (left.stamp < right.stamp ? 1 : -1));
}

/**
 * Lists the complete media snapshots, newest first, from their manifests only: a sync that did
 * not finish has no manifest and is never listed.
 */
export async function listMediaSnapshots(options: {
  /** Where the snapshots are. */
  storage: MediaStorage;
  /** Cancels the listing. */
  signal?: AbortSignal;
}): Promise<MediaSnapshotInfo[]> {
  const manifests = await loadMediaManifests(options.storage, signalOption(options.signal));
  return manifests.map(snapshotInfo);
}

/** The manifest of the snapshot at `at` (a stamp), or of the latest snapshot. */
export async function findMediaSnapshot(options: {
  /** Where the snapshots are. */
  storage: MediaStorage;
  /** Stamp to find. @default the latest */
  at?: string;
  /** Cancels the lookup. */
  signal?: AbortSignal;
}): Promise<MediaManifest> {
  const call = signalOption(options.signal);
  if (options.at !== undefined) {
    const stamp = validateStamp(options.at);
    const stamps = await listSnapshotStamps(options.storage, call);
    if (!stamps.includes(stamp)) {
      throw new BackupNotFoundError(`no media snapshot ${stamp} on ${options.storage.location}`, {
        hint: 'run bk listbackups --media to see the complete snapshots',
      });
    }
    return readMediaManifest(options.storage, stamp, call);
  }
  const stamps = await listSnapshotStamps(options.storage, call);
  for (const stamp of stamps.reverse()) {
    try {
      return await readMediaManifest(options.storage, stamp, call);
    } catch (error) {
      if (!(BkError.isInstance(error) && error.code === 'BK_MEDIA_MANIFEST_INVALID')) throw error;
      debug('skipping unreadable media manifest %s: %O', stamp, error);
    }
  }
  throw new BackupNotFoundError(`no media snapshot on ${options.storage.location}`, {
    hint: 'run bk mediabackup first',
  });
}

/** `{ signal }` when there is one (exactOptionalPropertyTypes-friendly). */
export function signalOption(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}
