import { createHash, randomBytes } from 'node:crypto';
import { chmod, chown, open, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { AbortedError, runCommand, spawnWriter } from '@bk/core';
import createDebug from 'debug';
import { DotCommandGuard } from './dot-command-guard.js';
import { DUMP_HEADER_BYTES, declaresWal } from './dump-header.js';
import type { ResolvedSqliteOptions, SqliteIntegrityCheck } from './options.js';
import { SqliteRestoreError } from './sqlite-restore-error.js';

const debug = createDebug('bk:connector:sqlite');

/** Install hint used when the sqlite3 shell is missing. */
export const SQLITE_INSTALL_HINT = 'apt-get install sqlite3';

/** The pragma each {@link SqliteIntegrityCheck} runs on the restored file. */
const CHECK_PRAGMAS: Record<SqliteIntegrityCheck, string> = {
  quick: 'quick_check',
  full: 'integrity_check',
};

/** Files SQLite keeps beside a database; a stale one would be applied to whatever file has that name. */
const SIDE_FILES = ['-wal', '-shm', '-journal'] as const;

/** Byte 18 of the database header is 2 when the file is in WAL mode. */
async function isWalDatabase(path: string): Promise<boolean> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return false;
  try {
    const header = Buffer.alloc(20);
    const { bytesRead } = await handle.read(header, 0, 20, 0);
    return bytesRead === 20 && header[18] === 2 && header[19] === 2;
  } finally {
    await handle.close();
  }
}

/** Tags temp names with this host, so only this host's dead restores are swept from a shared directory. */
const HOST_TAG = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

/**
 * The temp file a restore of `target` writes: `.NAME.bk-restore-<host>-<pid>-<random>` beside it.
 * The host tag and pid let a later restore tell a live restore's file from a dead one's.
 */
export function restoreTempName(target: string, pid = process.pid): string {
  return join(
    dirname(target),
    `.${basename(target)}.bk-restore-${HOST_TAG}-${pid}-${randomBytes(6).toString('hex')}`,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temp files (and their `-journal`, `-wal`, `-shm`) that restores of `target` on this
 * host left when their process was killed (SIGKILL, power loss): they are never renamed over the
 * target, so they are only wasted space. Files of a live process or of another host are kept.
 */
export async function sweepDeadRestores(target: string): Promise<string[]> {
  const prefix = `.${basename(target)}.bk-restore-${HOST_TAG}-`;
  const names = await readdir(dirname(target)).catch(() => [] as string[]);
  const dead = names.filter((name) => {
    if (!name.startsWith(prefix)) return false;
    const match = /^(\d+)-[0-9a-f]{12}(?:-wal|-shm|-journal)?$/.exec(name.slice(prefix.length));
    return match !== null && !isAlive(Number(match[1]));
  });
  await Promise.all(dead.map((name) => rm(join(dirname(target), name), { force: true })));
  if (dead.length > 0) debug('removed files of dead restores: %o', dead);
  return dead;
}

async function removeWithSideFiles(path: string): Promise<void> {
  await Promise.all(
    [path, ...SIDE_FILES.map((suffix) => path + suffix)].map((file) => rm(file, { force: true })),
  );
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Remembers the first `size` bytes of a stream. */
function trackHead(input: Readable, size: number): () => string {
  let head = Buffer.alloc(0);
  const onData = (chunk: Buffer | string) => {
    head = Buffer.concat([head, Buffer.from(chunk)]).subarray(0, size);
    if (head.length >= size) input.off('data', onData);
  };
  input.on('data', onData);
  return () => head.toString('utf8');
}

/** Remembers the last bytes of a stream without holding it. */
function trackTail(input: Readable): () => string {
  let tail = Buffer.alloc(0);
  input.on('data', (chunk: Buffer | string) => {
    tail = Buffer.concat([tail, Buffer.from(chunk)]).subarray(-64);
  });
  return () => tail.toString('utf8');
}

/**
 * Restores a `.dump` stream into a new file beside `options.path`, checks it with the pragma
 * `options.integrityCheck` picks (`quick_check` or `integrity_check`), then renames it over
 * the target. Until the rename, the target is not touched: a failed, aborted or corrupt restore
 * leaves it byte-identical and removes the new file. Stale `-wal`, `-shm` and `-journal` files of
 * the old target are removed just before the rename so SQLite never applies them to the new file.
 * The new file keeps the old file's mode (and owner, when allowed); it is in WAL mode when the
 * dumped database was (its header says so) or the old file is.
 * Temp files that killed restores of this target left behind are removed first.
 */
export async function restoreAtomically(
  options: ResolvedSqliteOptions,
  input: Readable,
  signal: AbortSignal | undefined,
): Promise<void> {
  // Through a symlink, replace the file it points to and keep the link.
  const target = await realpath(options.path).catch(() => options.path);
  const dir = dirname(target);
  await sweepDeadRestores(target).catch((error: unknown) =>
    debug('sweep of dead restores failed: %o', error),
  );
  const temp = restoreTempName(target);
  const context = `restore of ${target}`;
  const common = { name: 'sqlite3', file: options.binary, installHint: SQLITE_INSTALL_HINT, signal, context };
  let committed = false;
  try {
    debug('restoring into %s', temp);
    // Dot-commands never reach sqlite3; -safe blocks ATTACH and the file functions of SQL.
    const guard = new DotCommandGuard(
      (line) =>
        new SqliteRestoreError(
          target,
          `line ${line} starts with "." (a sqlite3 dot-command, which could read or write files on this machine): a .dump never holds one, so the backup is not a .dump; refused before sqlite3 read it`,
          {
            hint: 'bk did not write this backup: someone who can write the remote may have forged it (its manifest too, so bk verify passes); restore an earlier backup and check who can write the remote',
          },
        ),
    );
    const guarded = pipeline(input, guard, () => {});
    const written = spawnWriter({ ...common, args: ['-bail', '-safe', temp] }, guarded);
    const head = trackHead(guarded, DUMP_HEADER_BYTES);
    const tail = trackTail(guarded);
    await written;
    // A dump made by `.dump` always ends with COMMIT; anything else is cut short or not ours.
    if (!/COMMIT;\s*$/.test(tail())) {
      throw new SqliteRestoreError(target, 'the input does not end with COMMIT; (incomplete .dump)');
    }
    const pragma = CHECK_PRAGMAS[options.integrityCheck];
    const checked = await runCommand({ ...common, args: ['-readonly', '-safe', temp, `PRAGMA ${pragma};`] });
    if (checked.stdout.trim() !== 'ok') {
      const found = checked.stdout
        .trim()
        .replace(/\s*\n\s*/g, '; ')
        .slice(0, 200);
      throw new SqliteRestoreError(target, `${pragma} of the restored file failed: ${found}`);
    }
    const previous = await stat(target).catch(() => undefined);
    if (declaresWal(head()) || (previous && (await isWalDatabase(target)))) {
      await runCommand({ ...common, args: ['-safe', temp, 'PRAGMA journal_mode=WAL;'] });
    }
    if (previous) {
      await chmod(temp, previous.mode & 0o7777);
      await chown(temp, previous.uid, previous.gid).catch(() => {});
    }
    if (signal?.aborted) throw new AbortedError(context, { cause: signal.reason });
    await Promise.all(SIDE_FILES.map((suffix) => rm(target + suffix, { force: true })));
    await rename(temp, target);
    committed = true;
    await fsyncDirectory(dir);
    debug('restored %s', target);
  } finally {
    if (!committed) await removeWithSideFiles(temp);
    else await Promise.all(SIDE_FILES.map((suffix) => rm(temp + suffix, { force: true })));
  }
}
