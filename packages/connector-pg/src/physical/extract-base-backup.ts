import { isAbsolute } from 'node:path';
import type { Readable } from 'node:stream';
import { BkError } from '@bk/core';
import { extract } from 'tar';

/** Options of {@link extractBaseBackup}. */
export interface ExtractBaseBackupOptions {
  /** The data directory, which must exist and be empty. */
  dir: string;
  /**
   * Owner of every extracted file and directory (the `postgres` user when run as root).
   * @default the archive's owners are ignored: files belong to the user running bk
   */
  owner?: { uid: number; gid: number };
}

/** True for a tar entry path that would leave the data directory (absolute, or with a `..` part). */
export function isUnsafeEntryPath(path: string): boolean {
  return isAbsolute(path) || /^[A-Za-z]:/.test(path) || path.split(/[/\\]/).includes('..');
}

/**
 * Extracts the tar stream of a base backup (`pg_basebackup -Ft`) into `dir` with the modes it
 * carries (0700 directories, 0600 files). Any entry whose path is absolute or contains `..` fails
 * the extraction (nothing is written outside `dir`); so does any warning of the tar parser
 * (`strict`), a truncated archive included. Resolves when every file is written and closed.
 */
export async function extractBaseBackup(input: Readable, options: ExtractBaseBackupOptions): Promise<void> {
  let unsafe: string | undefined;
  const unpack = extract({
    cwd: options.dir,
    strict: true,
    preservePaths: false,
    ...(options.owner ? { uid: options.owner.uid, gid: options.owner.gid } : { preserveOwner: false }),
    filter: (path: string) => {
      if (!isUnsafeEntryPath(path)) return true;
      unsafe ??= path;
      return false;
    },
  });
  const finished = new Promise<void>((resolve, reject) => {
    unpack.on('close', resolve);
    unpack.on('error', reject);
    input.once('error', reject);
  });
  input.pipe(unpack as unknown as NodeJS.WritableStream);
  try {
    await finished;
  } finally {
    input.unpipe(unpack as unknown as NodeJS.WritableStream);
  }
  if (unsafe !== undefined) {
    throw new BkError(
      'BK_UNSAFE_ARCHIVE',
      `the base backup holds an entry outside the data directory: ${JSON.stringify(unsafe)}`,
      {
        hint: 'this archive was not written by pg_basebackup: do not use it',
      },
    );
  }
}
