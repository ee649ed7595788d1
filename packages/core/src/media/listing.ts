import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Rclone, RcloneNotice } from '@bk/rclone';

/** A file as rclone lists it. */
export interface ListedFile {
  /** Path relative to the listed directory, with `/` separators. */
  path: string;
  /** Size in bytes. */
  size: number;
  /** Modification time as rclone reports it (RFC 3339). */
  modTime: string;
  /** The remote's own hash of the file, when it computes one natively. */
  hash?: string;
}

/** Options of {@link listFiles}. */
export interface ListFilesOptions {
  /** Hash type to ask the remote for (only where it computes it natively). */
  hashType?: string;
  /** Exclude globs (rclone filters). */
  exclude?: readonly string[];
  /** Only these paths (relative to the listed dir); an empty list lists nothing. */
  only?: readonly string[];
  signal?: AbortSignal;
  /** Receives rclone's notices (skipped symlinks, names that are not UTF-8). */
  onNotice?: (notice: RcloneNotice) => void;
}

/** `--exclude` flags for rclone filter globs. */
export function excludeFlags(exclude: readonly string[] = []): string[] {
  return exclude.flatMap((pattern) => ['--exclude', pattern]);
}

/**
 * Runs `fn` with a temp `--files-from-raw` file listing `paths` (raw: names with leading spaces,
 * `#` or `;` are taken literally). Names containing a newline cannot be listed this way.
 */
export async function withFilesFrom<T>(
  paths: readonly string[],
  fn: (flags: string[]) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'bk-media-'));
  try {
    const file = join(dir, 'files.txt');
    await writeFile(file, paths.map((path) => `${path}\n`).join(''), { mode: 0o600 });
    return await fn(['--files-from-raw', file]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Lists the files under an rclone path, recursively; a missing directory lists as empty. */
export async function listFiles(
  rclone: Rclone,
  remotePath: string,
  options: ListFilesOptions = {},
): Promise<Map<string, ListedFile>> {
  if (options.only?.length === 0) return new Map();
  const run = (extra: string[]) =>
    rclone.lsjson(remotePath, {
      recursive: true,
      filesOnly: true,
      ...(options.hashType === undefined ? {} : { hash: options.hashType }),
      flags: [...excludeFlags(options.exclude), ...extra],
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.onNotice === undefined ? {} : { onNotice: options.onNotice }),
    });
  const entries = options.only === undefined ? await run([]) : await withFilesFrom(options.only, run);
  const files = new Map<string, ListedFile>();
  for (const entry of entries) {
    if (entry.IsDir) continue;
    const hash = options.hashType === undefined ? undefined : entry.Hashes?.[options.hashType];
    files.set(entry.Path, {
      path: entry.Path,
      size: entry.Size,
      modTime: entry.ModTime,
      ...(hash ? { hash } : {}),
    });
  }
  return files;
}

/** Same modification time, to the millisecond (backends differ in how many digits they print). */
export function sameTime(left: string, right: string): boolean {
  return Date.parse(left) === Date.parse(right);
}
