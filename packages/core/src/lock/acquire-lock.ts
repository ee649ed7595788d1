import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import createDebug from 'debug';
import { writeFailureRecord } from '../backup/failure-record.js';
import type { Storage, StorageEntry } from '../contracts/storage.js';
import { BkError } from '../errors/bk-error.js';
import { ConfigError } from '../errors/config-error.js';
import { throwIfAborted } from '../layout/abort.js';
import { LockHeldError } from './lock-held-error.js';
import type { AcquireLockOptions, LockInfo, RemoteLock } from './lock-types.js';

const debug = createDebug('bk:core:lock');

/** Directory of lock objects, relative to the remote base: `db/.locks/<name>/`. */
export const LOCK_DIR = 'db/.locks';

/**
 * Directory of the media lock, relative to the remote base: `media/.locks/media/`. Media backup,
 * restore and retention hold it (lock name `media`), so they never interleave; it is separate
 * from the database locks, so a database named `media` does not contend with it.
 */
export const MEDIA_LOCK_DIR = 'media/.locks';

/** Locks not refreshed for this long are stale. @default 10 minutes */
export const DEFAULT_LOCK_STALE_MS = 10 * 60_000;

interface Contender {
  path: string;
  name: string;
  info: LockInfo;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseLock(text: string): LockInfo | undefined {
  try {
    const value = JSON.parse(text) as LockInfo;
    if (value?.formatVersion !== 1 || typeof value.host !== 'string' || typeof value.pid !== 'number') {
      return undefined;
    }
    if (Number.isNaN(Date.parse(value.refreshedAt))) return undefined;
    return value;
  } catch {
    return undefined;
  }
}

/**
 * Takes the lock `name` on a remote, so two bk runs against the same database and remote never
 * interleave. rclone has no atomic create-if-absent, so the lock is a protocol over plain objects:
 *
 * 1. list `db/.locks/<name>/` (or `<dir>/<name>/`), dropping stale locks (not refreshed for `staleAfterMs`, or held
 *    by a process of this host that no longer exists, such as a `kill -9`ed bk);
 * 2. if another live lock exists, wait (up to `waitMs`) or fail with {@link LockHeldError};
 * 3. otherwise write a unique lock object named `<epoch ms>-<random>.lock`, list again, and hold
 *    the lock only if ours sorts first among the live ones; else delete ours, back off, retry.
 *
 * Guarantee: on backends whose listings show a completed write at once (local, sftp, WebDAV,
 * S3 today, and crypt/compress over them), two contenders never both hold the lock, provided the
 * clocks of their hosts agree to within the time between writing a lock and listing it again
 * (same host: always). A holder that dies without releasing blocks others until its lock goes
 * stale. The holder refreshes its lock every `staleAfterMs / 4` while it runs.
 *
 * @throws {@link LockHeldError} when another run holds it past `waitMs`; `ConfigError` for a bad name.
 */
export async function acquireLock(options: AcquireLockOptions): Promise<RemoteLock> {
  const { storage, name, signal } = options;
  if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) {
    throw new ConfigError(`invalid lock name ${JSON.stringify(name)}`, { key: 'databases' });
  }
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_LOCK_STALE_MS;
  const retryMs = options.retryMs ?? 1000;
  const deadline = Date.now() + (options.waitMs ?? 0);
  const host = options.host ?? hostname();
  const pid = options.pid ?? process.pid;
  const base = options.dir ?? LOCK_DIR;
  const dir = `${base}/${name}`;
  const scope = `${options.label ?? `database "${name}"`} on ${storage.location}`;

  const live = async (own?: { name: string; info: LockInfo }): Promise<Contender[]> => {
    const entries = (await storage.list(dir, { signal })).filter((entry) => !entry.isDir);
    const contenders: Contender[] = [];
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      // Our own lock is not read back: its content is what was just written.
      const contender =
        entry.name === own?.name
          ? { path: `${dir}/${entry.name}`, name: entry.name, info: own.info }
          : await readContender(storage, dir, entry, signal);
      if (contender && (entry.name === own?.name || !isStale(contender.info, entry, staleAfterMs))) {
        contenders.push(contender);
        continue;
      }
      debug('removing stale lock %s', entry.name);
      await storage.delete(`${dir}/${entry.name}`, { signal }).catch(() => {});
      // A backup that left its lock behind was killed (or lost its host) mid-run: it could not
      // record its failure, so its stale lock is turned into that record for retention to see.
      if (base === LOCK_DIR && contender?.info.operation === 'backup' && contender.info.pid > 0) {
        const { info } = contender;
        await writeFailureRecord(storage, {
          formatVersion: 1,
          database: name,
          startedAt: info.startedAt,
          failedAt: new Date().toISOString(),
          host: info.host,
          error: `the backup run (pid ${info.pid} on ${info.host}) stopped without releasing its lock: it was killed, its host went down, or the remote was gone when it ended`,
        });
      }
    }
    return contenders;
  };

  let attempts = 0;
  for (;;) {
    throwIfAborted(signal, `lock of ${scope}`);
    let holders = await live();
    if (holders.length === 0) {
      const now = new Date();
      const objectName = `${String(now.getTime()).padStart(13, '0')}-${randomBytes(6).toString('hex')}.lock`;
      const path = `${dir}/${objectName}`;
      const info: LockInfo = {
        formatVersion: 1,
        scope: `${base.split('/')[0]}/${name}`,
        operation: options.operation ?? 'bk',
        host,
        pid,
        startedAt: now.toISOString(),
        refreshedAt: now.toISOString(),
      };
      await storage.write(path, `${JSON.stringify(info)}\n`, { signal });
      try {
        holders = await live({ name: objectName, info });
      } catch (error) {
        await storage.delete(path).catch(() => {});
        throw error;
      }
      if (holders[0]?.name === objectName) return holdLock(storage, path, info, staleAfterMs);
      debug('lost the race for %s to %s', dir, holders[0]?.name);
      await storage.delete(path).catch(() => {});
      holders = holders.filter((holder) => holder.name !== objectName);
    }
    const holder = holders[0];
    if (holder && Date.now() >= deadline) throw new LockHeldError(scope, holder.info);
    attempts += 1;
    if (!holder && attempts > 20) {
      throw new BkError(
        'BK_LOCK_FAILED',
        `could not take the lock of ${scope}: lock objects vanish as written`,
        {
          hint: 'check that the remote lists what was just written to it',
        },
      );
    }
    const pause = Math.min(Math.max(0, deadline - Date.now()), retryMs + Math.random() * (retryMs / 2));
    await sleep(pause, undefined, { signal }).catch(() => {});
  }
}

async function readContender(
  storage: Storage,
  dir: string,
  entry: StorageEntry,
  signal: AbortSignal | undefined,
): Promise<Contender | undefined> {
  const path = `${dir}/${entry.name}`;
  let text: string;
  try {
    text = (await storage.read(path, { signal })).toString('utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'BK_RCLONE_NOT_FOUND') return undefined;
    throw error;
  }
  const info = parseLock(text);
  if (info) return { path, name: entry.name, info };
  // Being written, or cut short by a crash: held until it is as old as a stale lock.
  const written = Date.parse(entry.modTime);
  const unknown: LockInfo = {
    formatVersion: 1,
    scope: dir,
    operation: 'an unreadable lock',
    host: 'unknown host',
    pid: 0,
    startedAt: entry.modTime,
    refreshedAt: Number.isNaN(written) ? new Date(0).toISOString() : entry.modTime,
  };
  return { path, name: entry.name, info: unknown };
}

function isStale(info: LockInfo, entry: StorageEntry, staleAfterMs: number): boolean {
  const refreshed = Math.max(Date.parse(info.refreshedAt), Date.parse(entry.modTime) || 0);
  if (Date.now() - refreshed > staleAfterMs) return true;
  // Only this machine's processes can be checked: a lock of this host whose pid is gone is stale.
  return info.host === hostname() && info.pid > 0 && !isAlive(info.pid);
}

function holdLock(storage: Storage, path: string, info: LockInfo, staleAfterMs: number): RemoteLock {
  let current = info;
  let released = false;
  let refreshing: Promise<void> = Promise.resolve();
  const timer = setInterval(
    () => {
      current = { ...current, refreshedAt: new Date().toISOString() };
      refreshing = storage.write(path, `${JSON.stringify(current)}\n`).catch((error: unknown) => {
        debug('could not refresh %s: %O', path, error);
      });
    },
    Math.max(1000, staleAfterMs / 4),
  );
  timer.unref();
  const release = async () => {
    if (released) return;
    released = true;
    clearInterval(timer);
    await refreshing;
    await storage.delete(path).catch((error: unknown) => debug('could not release %s: %O', path, error));
  };
  return {
    path,
    get info() {
      return current;
    },
    release,
    [Symbol.asyncDispose]: release,
  };
}

/** Runs `task` while holding the lock described by `options`, and releases it afterwards. */
export async function withLock<T>(options: AcquireLockOptions, task: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(options);
  try {
    return await task();
  } finally {
    await lock.release();
  }
}
