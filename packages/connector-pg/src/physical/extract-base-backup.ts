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
 * (`strict`), a truncated archive included. Settles, either way, only when every file is written
 * and closed.
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
  // Settles only once the extractor has closed every file it opened, even when the input fails
  // (a checksum mismatch destroys it mid-archive): a caller cleaning up after a failure must not
  // race files still being written.
  let failure: unknown;
  const finished = new Promise<void>((resolve, reject) => {
    input.once('error', (error) => {
      failure ??= error;
      input.unpipe(unpack as unknown as NodeJS.WritableStream);
      unpack.end();
    });
    unpack.on('error', (error: unknown) => {
      failure ??= error;
    });
    unpack.on('close', () => (failure === undefined ? resolve() : reject(failure)));
  });
  input.pipe(unpack as unknown as NodeJS.WritableStream);
  await finished;
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
