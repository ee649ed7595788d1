import type { Rclone } from '@bk/rclone';
import { remoteHashes } from './hashes.js';
import { type ListedFile, listFiles, sameTime } from './listing.js';
import { MEDIA_CURRENT, MEDIA_HISTORY } from './stamp.js';
import type { MediaFileEntry, MediaManifest, MediaStorage } from './types.js';

/** Where one snapshot file will be restored from. */
export interface ResolvedFile {
  entry: MediaFileEntry;
  /** `current` or `history/<stamp>`, under `media/`. */
  source: string;
}

/** History files by path: the stamps of the history dirs holding that path, ascending. */
export type HistoryIndex = Map<string, { stamp: string; file: ListedFile }[]>;

/** Indexes a recursive listing of `media/history` (paths `<stamp>/<path>`). */
export function indexHistory(files: Iterable<ListedFile>): HistoryIndex {
  const index: HistoryIndex = new Map();
  for (const file of files) {
    const slash = file.path.indexOf('/');
    if (slash < 0) continue;
    const stamp = file.path.slice(0, slash);
    const path = file.path.slice(slash + 1);
    const versions = index.get(path) ?? [];
    versions.push({ stamp, file: { ...file, path } });
    index.set(path, versions);
  }
  for (const versions of index.values()) versions.sort((left, right) => (left.stamp < right.stamp ? -1 : 1));
  return index;
}

/**
 * The position rule: the version of `path` that snapshot `stamp` had was moved out of `current` by
 * the first sync after it that replaced or deleted `path`, so it is in the oldest history dir newer
 * than `stamp` that holds `path` (`undefined`: still in `current`).
 */
export function historyStampFor(index: HistoryIndex, path: string, stamp: string): string | undefined {
  return index.get(path)?.find((version) => version.stamp > stamp)?.stamp;
}

function matches(entry: MediaFileEntry, file: ListedFile, manifest: MediaManifest): boolean {
  if (file.size !== entry.size) return false;
  if (manifest.remoteHashes && entry.hash && file.hash)
    return file.hash.toLowerCase() === entry.hash.toLowerCase();
  return sameTime(file.modTime, entry.modTime);
}

/**
 * Finds, for each entry, a remote copy that matches the snapshot: `current` when it still matches
 * (size and hash, or size and modification time on remotes without hashes), else the history dir
 * the position rule names, else (only if that copy does not match) the next newer history dir whose
 * copy matches. Entries with no matching copy are returned as `missing`.
 */
export async function resolveSnapshotFiles(
  storage: MediaStorage,
  manifest: MediaManifest,
  entries: readonly MediaFileEntry[],
  signal?: AbortSignal,
): Promise<{ files: ResolvedFile[]; missing: MediaFileEntry[] }> {
  const rclone: Rclone = storage.rclone;
  const call = signal === undefined ? {} : { signal };
  const capability = { hashType: manifest.hashType, remoteHashes: manifest.remoteHashes };
  const files: ResolvedFile[] = [];
  const missing: MediaFileEntry[] = [];
  if (entries.length === 0) return { files, missing };

  const current = await listFiles(rclone, storage.remotePath(MEDIA_CURRENT), {
    ...(manifest.remoteHashes ? { hashType: manifest.hashType } : {}),
    only: entries.map((entry) => entry.path),
    ...call,
  });
  const pending: MediaFileEntry[] = [];
  for (const entry of entries) {
    const file = current.get(entry.path);
    if (file && matches(entry, file, manifest)) files.push({ entry, source: 'current' });
    else pending.push(entry);
  }
  if (pending.length === 0) return { files, missing };

  const historyPath = storage.remotePath(MEDIA_HISTORY);
  const index = indexHistory((await listFiles(rclone, historyPath, call)).values());
  const candidates = new Map<MediaFileEntry, { stamp: string; file: ListedFile }[]>();
  const toHash: string[] = [];
  for (const entry of pending) {
    const versions = (index.get(entry.path) ?? []).filter(
      (version) => version.stamp > manifest.stamp && version.file.size === entry.size,
    );
    candidates.set(entry, versions);
    if (manifest.remoteHashes) for (const version of versions) toHash.push(`${version.stamp}/${entry.path}`);
  }
  const hashes = manifest.remoteHashes
    ? await remoteHashes(rclone, historyPath, toHash, capability, signal)
    : undefined;
  for (const entry of pending) {
    const found = candidates.get(entry)?.find((version) => {
      const hash = hashes?.get(`${version.stamp}/${entry.path}`);
      return matches(entry, hash ? { ...version.file, hash } : version.file, manifest);
    });
    if (found) files.push({ entry, source: `history/${found.stamp}` });
    else missing.push(entry);
  }
  return { files, missing };
}
