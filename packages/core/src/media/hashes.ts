import type { Rclone } from '@bk/rclone';
import { type ListedFile, listFiles, sameTime, withFilesFrom } from './listing.js';
import type { MediaFileEntry, MediaManifest } from './types.js';

/** How a remote gives content hashes. */
export interface HashCapability {
  /** The hash type recorded in manifests. */
  hashType: string;
  /** True when the remote computes it natively; false means hashing requires a download (crypt). */
  remoteHashes: boolean;
}

const PREFERRED = ['md5', 'sha1', 'sha256', 'crc32'];

/** What media sync needs to know about a remote (`rclone backend features`). */
export interface RemoteFeatures extends HashCapability {
  /** The remote folds case (`A.txt` and `a.txt` are one object). */
  caseInsensitive: boolean;
}

/** Asks rclone which hashes the remote supports and whether it folds case (`rclone backend features`). */
export async function detectRemoteFeatures(
  rclone: Rclone,
  remotePath: string,
  signal?: AbortSignal,
): Promise<RemoteFeatures> {
  const { stdout } = await rclone.run(
    ['backend', 'features', remotePath],
    signal === undefined ? {} : { signal },
  );
  const features = JSON.parse(stdout) as {
    Hashes?: string[] | null;
    Features?: { CaseInsensitive?: boolean } | null;
  };
  const caseInsensitive = features.Features?.CaseInsensitive === true;
  const hashes = (features.Hashes ?? []).map((hash) => hash.toLowerCase());
  const hashType = PREFERRED.find((hash) => hashes.includes(hash)) ?? hashes[0];
  return hashType === undefined
    ? { hashType: 'md5', remoteHashes: false, caseInsensitive }
    : { hashType, remoteHashes: true, caseInsensitive };
}

/**
 * Hashes of `paths` under `remotePath`: asked from the remote when it has them, else computed by
 * downloading (`rclone hashsum --download`).
 */
export async function remoteHashes(
  rclone: Rclone,
  remotePath: string,
  paths: readonly string[],
  capability: HashCapability,
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  if (paths.length === 0) return hashes;
  if (capability.remoteHashes) {
    const listed = await listFiles(rclone, remotePath, {
      hashType: capability.hashType,
      only: paths,
      ...(signal === undefined ? {} : { signal }),
    });
    for (const file of listed.values()) if (file.hash) hashes.set(file.path, file.hash);
    // Some objects carry no hash even where the backend has them (S3 multipart uploads): download those.
    const missing = paths.filter((path) => !hashes.has(path));
    if (missing.length === 0) return hashes;
    const downloaded = await remoteHashes(
      rclone,
      remotePath,
      missing,
      { ...capability, remoteHashes: false },
      signal,
    );
    for (const [path, hash] of downloaded) hashes.set(path, hash);
    return hashes;
  }
  return withFilesFrom(paths, (flags) =>
    rclone.hashsum(capability.hashType, remotePath, {
      flags: ['--download', ...flags],
      ...(signal === undefined ? {} : { signal }),
    }),
  );
}

/**
 * Manifest entries for the files of `current`. A hash is reused from the previous manifest when
 * the file's size and modification time are unchanged (rclone's own test for "unchanged", so the
 * stored object is the same); only new and changed files are hashed.
 */
export async function describeFiles(
  rclone: Rclone,
  remotePath: string,
  files: Map<string, ListedFile>,
  capability: HashCapability,
  previous: MediaManifest | undefined,
  signal?: AbortSignal,
): Promise<MediaFileEntry[]> {
  const reusable = new Map<string, MediaFileEntry>();
  if (previous && previous.hashType === capability.hashType) {
    for (const entry of previous.entries) reusable.set(entry.path, entry);
  }
  const entries: MediaFileEntry[] = [];
  const toHash: string[] = [];
  for (const file of files.values()) {
    const old = reusable.get(file.path);
    const hash =
      old?.hash && old.size === file.size && sameTime(old.modTime, file.modTime) ? old.hash : undefined;
    if (hash === undefined) toHash.push(file.path);
    entries.push({ path: file.path, size: file.size, modTime: file.modTime, ...(hash ? { hash } : {}) });
  }
  const hashes = await remoteHashes(rclone, remotePath, toHash, capability, signal);
  for (const entry of entries) {
    if (entry.hash === undefined) {
      const hash = hashes.get(entry.path);
      if (hash) entry.hash = hash;
    }
  }
  return entries.sort((left, right) => (left.path < right.path ? -1 : left.path > right.path ? 1 : 0));
}
