import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { hostname } from 'node:os';
import { HashingCounter } from '../backup/hashing-counter.js';
import type { Storage } from '../contracts/storage.js';
import { BkError } from '../errors/bk-error.js';
import { IntegrityError } from '../errors/integrity-error.js';
import { throwIfAborted } from '../layout/abort.js';
import { BK_VERSION } from '../manifest/version.js';
import { deleteQuietly, readIfExists } from './read-json-object.js';
import { WalConflictError } from './wal-conflict-error.js';
import { parseWalManifest, type WalManifest } from './wal-manifest.js';
import { validateWalDatabase, validateWalName, walObjectPath, walPartialDir } from './wal-paths.js';

/** Options of {@link pushWal}. */
export interface PushWalOptions {
  storage: Storage;
  /** Database alias: the archive is `wal/<database>/`. */
  database: string;
  /** The local file PostgreSQL hands over (`%p`). */
  file: string;
  /** Its archive name (`%f`). */
  name: string;
  /** Its timeline, 8 hex digits (the first 8 of the name). */
  timeline: string;
  /** @default os.hostname() */
  host?: string;
  /** @default () => new Date() */
  now?: () => Date;
  signal?: AbortSignal;
}

/** What {@link pushWal} did. */
export interface PushWalResult {
  /** `stored`: uploaded now; `already`: the same bytes were archived before (a retry). */
  status: 'stored' | 'already';
  manifest: WalManifest;
}

/**
 * Archives one WAL file: uploads it to `wal/<database>/.partial/`, checks the stored size, moves
 * it to `wal/<database>/<timeline>/<name>` and writes its manifest (sha256, size) last. Resolves
 * only when both are in place. A file already archived with the same sha256 (PostgreSQL retrying
 * after a crash) is not stored again (its staged copy is discarded); with another sha256 it is
 * refused with a {@link WalConflictError}, the archive unchanged. The upload and the read of an
 * earlier manifest run side by side (four rclone calls in a row instead of five). A failure at any byte leaves nothing at the
 * final name that has a manifest, so recovery never sees it.
 */
export async function pushWal(options: PushWalOptions): Promise<PushWalResult> {
  const { storage, database, name, timeline, signal } = options;
  validateWalDatabase(database);
  validateWalName(timeline, name);
  const objectPath = walObjectPath(database, timeline, name);
  const manifestPath = `${objectPath}.json`;
  const token = randomBytes(6).toString('hex');
  const stagingPath = `${walPartialDir(database)}/${name}.${token}`;
  let moved = false;
  let existing: WalManifest | undefined;
  try {
    // The upload to the staging name and the read of an earlier manifest overlap: the server waits
    // for this command, and each rclone call costs a process start. Both settle before anything
    // else happens, so a failure of one never races the other's cleanup.
    const counter = new HashingCounter();
    const input = createReadStream(options.file);
    input.once('error', (error) => counter.destroy(error));
    input.pipe(counter);
    const [uploaded, earlier] = await Promise.allSettled([
      storage.put(stagingPath, counter, { signal }),
      readIfExists(storage, manifestPath, signal),
    ]);
    if (earlier.status === 'rejected') throw earlier.reason;
    if (uploaded.status === 'rejected') throw uploaded.reason;
    const local = { bytes: counter.bytes, sha256: counter.sha256 };
    if (!input.readableEnded) {
      throw new BkError('BK_WAL_CHANGED', `${options.file} was not read to its end`, {
        hint: 'PostgreSQL retries the push; check the file and the disk',
      });
    }
    existing = earlier.value && parseWalManifest(earlier.value, objectPath);
    if (existing) {
      if (existing.sha256 !== local.sha256 || existing.bytes !== local.bytes) {
        throw new WalConflictError(objectPath, existing.sha256, local.sha256);
      }
      const listing = await storage.list(objectPath.slice(0, objectPath.lastIndexOf('/')), { signal });
      if (listing.find((entry) => entry.name === name)?.size === existing.bytes) {
        await deleteQuietly(storage, stagingPath);
        return { status: 'already', manifest: existing };
      }
      // The manifest is there but its object is not (or is damaged): store the same bytes again.
    }
    const staged = (await storage.list(walPartialDir(database), { signal })).find(
      (entry) => entry.name === stagingPath.slice(stagingPath.lastIndexOf('/') + 1),
    );
    if (staged?.size !== local.bytes) {
      throw new IntegrityError(
        stagingPath,
        local,
        { bytes: staged?.size ?? -1, sha256: '' },
        {
          hint: 'the remote stored a different size than was uploaded: check its free space; PostgreSQL will retry',
        },
      );
    }
    throwIfAborted(signal, `archive of ${name}`);
    await storage.move(stagingPath, objectPath, { signal });
    moved = true;
    const manifest: WalManifest = {
      formatVersion: 1,
      kind: 'wal',
      database,
      name,
      timeline,
      path: objectPath,
      bytes: local.bytes,
      sha256: local.sha256,
      archivedAt: (options.now ?? (() => new Date()))().toISOString(),
      host: options.host ?? hostname(),
      bkVersion: BK_VERSION,
    };
    // Written in place, not staged and moved: one rclone call less per segment while the server
    // waits. A torn manifest is never trusted: it is not valid JSON, so parseWalManifest rejects it,
    // fetch reports the file missing, and PostgreSQL's retry of this push stores it again.
    throwIfAborted(signal, `archive of ${name}`);
    await storage.write(manifestPath, `${JSON.stringify(manifest)}\n`, { signal });
    return { status: 'stored', manifest };
  } catch (error) {
    await deleteQuietly(storage, stagingPath);
    // An object without a manifest is not archived; a retry replaces it.
    if (moved && !existing) await deleteQuietly(storage, objectPath);
    throw error;
  }
}
