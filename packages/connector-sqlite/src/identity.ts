import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { ConfigError } from '@bk/core';

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * The identity of the SQLite database at `path` (absolute): `sqlite:<device>:<inode>` of the file
 * it leads to (`stat` follows symlinks, as the restore does), or, when there is no such file (a
 * missing file, or a symlink to one), `sqlite:<device>:<inode>/<name>` of its directory and the
 * name a restore would create. Inode numbers are read as bigints, so none is rounded.
 */
export async function sqliteIdentity(path: string): Promise<string> {
  try {
    const file = await stat(path, { bigint: true });
    return `sqlite:${file.dev}:${file.ino}`;
  } catch (error) {
    if (!isMissing(error)) {
      throw new ConfigError(`cannot read the SQLite database ${path}: ${(error as Error).message}`, {
        key: 'path',
        cause: error,
      });
    }
  }
  try {
    const directory = await stat(dirname(path), { bigint: true });
    return `sqlite:${directory.dev}:${directory.ino}/${basename(path)}`;
  } catch (error) {
    throw new ConfigError(`the directory of the SQLite database ${path} does not exist`, {
      key: 'path',
      hint: 'create its directory first, or fix the path',
      cause: error,
    });
  }
}
