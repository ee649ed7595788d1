import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Storage } from '../contracts/storage.js';
import { readVerified } from '../restore/read-verified.js';
import { readIfExists } from './read-json-object.js';
import { parseWalManifest, type WalManifest } from './wal-manifest.js';
import { validateWalDatabase, validateWalName, walObjectPath } from './wal-paths.js';

/** Options of {@link fetchWal}. */
export interface FetchWalOptions {
  storage: Storage;
  database: string;
  /** The WAL file name PostgreSQL asks for (`%f`). */
  name: string;
  /** Its timeline, 8 hex digits. */
  timeline: string;
  /** Where PostgreSQL wants it (`%p`, relative to the data directory it runs in). */
  target: string;
  signal?: AbortSignal;
}

/** What {@link fetchWal} did: `missing` when the archive has no such file (normal at the end of recovery). */
export type FetchWalResult = { status: 'fetched'; manifest: WalManifest } | { status: 'missing' };

/**
 * Fetches one archived WAL file for `restore_command`: downloads it into a temporary file beside
 * `target`, checks its size and sha256 against its manifest, syncs it and renames it to `target`.
 * PostgreSQL never sees a byte of a file that does not match. A file without a manifest is
 * `missing`; one whose manifest exists but whose bytes do not match rejects with an `IntegrityError`.
 */
export async function fetchWal(options: FetchWalOptions): Promise<FetchWalResult> {
  const { storage, database, name, timeline, signal } = options;
  validateWalDatabase(database);
  validateWalName(timeline, name);
  const objectPath = walObjectPath(database, timeline, name);
  const data = await readIfExists(storage, `${objectPath}.json`, signal);
  if (data === undefined) return { status: 'missing' };
  const manifest = parseWalManifest(data, objectPath);
  if (!manifest) return { status: 'missing' };
  const temporary = join(
    dirname(options.target),
    `.${basename(options.target)}.bk-${randomBytes(6).toString('hex')}`,
  );
  try {
    await readVerified({
      storage,
      backup: { path: objectPath, name, bytes: manifest.bytes, sha256: manifest.sha256 },
      sink: createWriteStream(temporary, { flags: 'wx', mode: 0o600 }),
      signal,
    });
    const handle = await open(temporary, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, options.target);
    return { status: 'fetched', manifest };
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
