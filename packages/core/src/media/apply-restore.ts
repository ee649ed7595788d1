import { lstat, mkdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import createDebug from 'debug';
import { AbortedError } from '../errors/aborted-error.js';
import { BkError } from '../errors/bk-error.js';
import { displayName } from './names.js';

const debug = createDebug('bk:core:media');

/** One file a restore puts in place, from the staging dir. */
export interface PlannedWrite {
  /** Local path relative to the root (decoded bytes, `/`-separated). */
  local: string;
  /** Set this modification time after the rename (ISO 8601), when the staged copy lacks it. */
  modTime?: string;
}

/** Everything a restore changes in the media root, decided before the first change. */
export interface RestorePlan {
  /** The media root (absolute). */
  root: string;
  /** The staging dir inside the root, holding every file of `writes`, already verified. */
  staging: string;
  /** Files to rename from staging into place. */
  writes: readonly PlannedWrite[];
  /** Files already identical whose modification time is set. */
  touches: readonly { local: string; modTime: string }[];
  /** Files to remove (`delete`). */
  deletes: readonly string[];
}

type Undo =
  | { type: 'created'; path: string }
  | { type: 'moved'; from: string; to: string }
  | { type: 'placed'; path: string }
  | { type: 'times'; path: string; atime: number; mtime: number };

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'error';
}

/**
 * Pre-flight of a restore, before the first change: every file of the snapshot must be able to
 * take its place. Refuses with `BK_MEDIA_RESTORE_CONFLICT` when a directory, a symlink or anything
 * else than a regular file stands where a file goes, or when a file or a symlink stands where a
 * directory goes (a symlinked directory could lead the restore out of the root).
 */
export async function checkRestoreTargets(root: string, locals: readonly string[]): Promise<void> {
  const kinds = new Map<string, string>();
  const kindOf = async (relative: string): Promise<string> => {
    const known = kinds.get(relative);
    if (known !== undefined) return known;
    const kind = await lstat(join(root, relative)).then(
      (info) =>
        info.isSymbolicLink() ? 'symlink' : info.isDirectory() ? 'dir' : info.isFile() ? 'file' : 'special',
      () => 'absent',
    );
    kinds.set(relative, kind);
    return kind;
  };
  const conflicts: string[] = [];
  for (const local of locals) {
    const segments = local.split('/');
    let blocked = false;
    for (let end = 1; end < segments.length && !blocked; end++) {
      const parent = segments.slice(0, end).join('/');
      const kind = await kindOf(parent);
      if (kind === 'absent') break;
      if (kind !== 'dir') {
        conflicts.push(`${displayName(parent)} is a ${kind} where the snapshot has a directory`);
        blocked = true;
      }
    }
    if (blocked) continue;
    const kind = await kindOf(local);
    if (kind !== 'absent' && kind !== 'file')
      conflicts.push(`${displayName(local)} is a ${kind} where the snapshot has a file`);
  }
  if (conflicts.length === 0) return;
  const unique = [...new Set(conflicts)];
  const shown = unique.slice(0, 5).join('; ') + (unique.length > 5 ? `; … (${unique.length} in all)` : '');
  throw new BkError('BK_MEDIA_RESTORE_CONFLICT', `media restore refused, nothing was changed: ${shown}`, {
    hint: 'move the named paths out of the way (or restore into an empty directory) and run bk mediarestore again',
  });
}

/**
 * Applies a verified restore: renames staged files into place, sets times, removes deleted files.
 * Every change is journaled: a replaced or deleted file is first moved into `<staging>/.replaced/`,
 * so a failure or an abort at any step undoes them all, in reverse, and the root is as it was.
 *
 * @throws AbortedError when `signal` aborts (after the rollback).
 * @throws BkError `BK_MEDIA_RESTORE_FAILED` when a change fails (after the rollback), or
 *   `BK_MEDIA_ROLLBACK_FAILED` when the rollback failed too (the message says where the replaced
 *   files are kept).
 */
export async function applyRestore(
  plan: RestorePlan,
  options: { signal?: AbortSignal | undefined; onApplied?: (files: number) => void } = {},
): Promise<{ kept: boolean }> {
  const { root, staging } = plan;
  const replaced = join(staging, '.replaced');
  const journal: Undo[] = [];
  let current = '';
  const moveAside = async (target: string, local: string) => {
    const aside = join(replaced, local);
    const created = await mkdir(dirname(aside), { recursive: true });
    if (created !== undefined) journal.push({ type: 'created', path: created });
    await rename(target, aside);
    journal.push({ type: 'moved', from: target, to: aside });
  };
  try {
    let applied = 0;
    for (const write of plan.writes) {
      options.signal?.throwIfAborted();
      current = write.local;
      const target = join(root, write.local);
      const created = await mkdir(dirname(target), { recursive: true });
      if (created !== undefined) journal.push({ type: 'created', path: created });
      const exists = await lstat(target).then(
        () => true,
        () => false,
      );
      if (exists) await moveAside(target, write.local);
      await rename(join(staging, write.local), target);
      journal.push({ type: 'placed', path: target });
      if (write.modTime !== undefined) await setModTime(target, write.modTime);
      applied += 1;
      options.onApplied?.(applied);
    }
    for (const touch of plan.touches) {
      options.signal?.throwIfAborted();
      current = touch.local;
      const target = join(root, touch.local);
      const before = await stat(target);
      journal.push({
        type: 'times',
        path: target,
        atime: before.atimeMs / 1000,
        mtime: before.mtimeMs / 1000,
      });
      await setModTime(target, touch.modTime);
    }
    for (const local of plan.deletes) {
      options.signal?.throwIfAborted();
      current = local;
      await moveAside(join(root, local), local);
    }
    return { kept: false };
  } catch (error) {
    const failed = await rollback(journal);
    const where = displayName(current);
    if (failed.length > 0) {
      throw new BkError(
        'BK_MEDIA_ROLLBACK_FAILED',
        `media restore failed at ${where} (${errorCode(error)}), and the rollback failed too: ${failed.slice(0, 3).join('; ')}; the files it replaced are kept in ${replaced}`,
        {
          cause: error,
          hint: `move the files under ${replaced} back into place, then run bk mediarestore again`,
        },
      );
    }
    if (options.signal?.aborted) throw new AbortedError('media restore', { cause: error });
    throw new BkError(
      'BK_MEDIA_RESTORE_FAILED',
      `media restore failed at ${where} (${errorCode(error)}: ${error instanceof Error ? error.message : String(error)}); every change was rolled back, the media root is as it was`,
      { cause: error, hint: 'fix the cause (disk full? permissions?) and run bk mediarestore again' },
    );
  }
}

async function rollback(journal: Undo[]): Promise<string[]> {
  const failed: string[] = [];
  for (const step of journal.reverse()) {
    try {
      if (step.type === 'placed') await rm(step.path, { force: true });
      else if (step.type === 'moved') await rename(step.to, step.from);
      else if (step.type === 'created') await rm(step.path, { recursive: true, force: true });
      else await utimes(step.path, step.atime, step.mtime);
    } catch (error) {
      debug('rollback step %o failed: %O', step, error);
      failed.push(`${step.type} ${'path' in step ? step.path : step.from}: ${errorCode(error)}`);
    }
  }
  return failed;
}

/** Sets a file's modification time from an ISO 8601 string, keeping sub-millisecond digits where it can. */
export async function setModTime(path: string, modTime: string): Promise<void> {
  const match = /\.(\d+)/.exec(modTime);
  const whole = Date.parse(modTime.replace(/\.\d+/, '')) / 1000;
  const seconds = match ? whole + Number(`0.${match[1]}`) : whole;
  await utimes(path, seconds, seconds);
}
