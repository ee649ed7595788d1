import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors/config-error.js';
import { displayName, localPath } from './names.js';

/** Options of {@link checkMediaNames}. */
export interface CheckMediaNamesOptions {
  /** The media root (absolute). */
  root: string;
  /** The remote folds case (rclone's `CaseInsensitive` feature): names differing only in case collide. */
  caseInsensitive: boolean;
}

const SHOWN = 5;

/**
 * The pre-flight scan of a media backup, run on rclone's listing of the root before anything is
 * written. Refuses, with a {@link ConfigError} naming the files:
 * - names that collide under Unicode normalization (NFC/NFD), or under case folding when the
 *   remote is case-insensitive: rclone would keep one and drop the other;
 * - names that would not come back byte-exact: not valid UTF-8 (rclone lists them with U+FFFD),
 *   or holding a character rclone's local backend uses for its own escapes.
 */
export async function checkMediaNames(
  paths: Iterable<string>,
  options: CheckMediaNamesOptions,
): Promise<void> {
  const list = [...paths];
  const unsupported: string[] = [];
  const invalid: string[] = [];
  for (const path of list) {
    // Printable ASCII decodes to itself and every byte is as listed: no need to look at the disk.
    if (/^[\u0020-\u007e]*$/.test(path)) continue;
    const local = localPath(path);
    if (!local.ok) {
      unsupported.push(`${displayName(path)} ${local.reason}`);
      continue;
    }
    const exists = await lstat(join(options.root, local.name)).then(
      (info) => info.isFile(),
      () => false,
    );
    if (!exists) {
      if (path.includes('\ufffd')) invalid.push(displayName(path));
      else unsupported.push(`${displayName(path)} would not be stored under the same bytes`);
    }
  }
  if (invalid.length > 0) {
    throw new ConfigError(
      `media names that are not valid UTF-8 cannot be backed up exactly: ${shown(invalid)} (U+FFFD marks the bad bytes)`,
      {
        key: 'media.root',
        code: 'BK_MEDIA_NAME_UNSUPPORTED',
        hint: 'rename them to UTF-8 (convmv -f latin1 -t utf8 --notest -r DIR) or exclude them (media.exclude); nothing was written',
      },
    );
  }
  if (unsupported.length > 0) {
    throw new ConfigError(`media names that cannot be backed up exactly: ${shown(unsupported)}`, {
      key: 'media.root',
      code: 'BK_MEDIA_NAME_UNSUPPORTED',
      hint: 'rename them or exclude them (media.exclude); nothing was written (see docs/media.md, "File names")',
    });
  }
  checkCollisions(list, (name) => name.normalize('NFC'), 'Unicode normalization (NFC/NFD)');
  if (options.caseInsensitive) {
    checkCollisions(list, (name) => name.normalize('NFC').toLowerCase(), 'case, and the remote ignores case');
  }
}

function checkCollisions(paths: readonly string[], fold: (name: string) => string, what: string): void {
  // Every file and every directory above it: `a/b` collides with `A/c` through the directory `a`.
  const spellings = new Map<string, Set<string>>();
  for (const path of paths) {
    const segments = path.split('/');
    for (let end = 1; end <= segments.length; end++) {
      const prefix = segments.slice(0, end).join('/');
      const key = fold(prefix);
      const set = spellings.get(key) ?? new Set<string>();
      set.add(prefix);
      spellings.set(key, set);
    }
  }
  const clashes: string[] = [];
  for (const set of spellings.values()) {
    if (set.size > 1)
      clashes.push(
        [...set]
          .sort()
          .map((name) => displayName(name))
          .join(' and '),
      );
  }
  if (clashes.length === 0) return;
  throw new ConfigError(
    `media names that differ only in ${what} would overwrite each other on the remote: ${shown(clashes)}`,
    {
      key: 'media.root',
      code: 'BK_MEDIA_NAME_COLLISION',
      hint: 'rename one file of each pair (or exclude it with media.exclude) and run bk mediabackup again; nothing was written',
    },
  );
}

function shown(items: readonly string[]): string {
  const head = items.slice(0, SHOWN).join(', ');
  return items.length > SHOWN ? `${head}, … (${items.length} in all)` : head;
}
