import type { Storage } from '../contracts/storage.js';
import { readIfExists } from './read-json-object.js';
import {
  type BaseBackupManifest,
  parseBaseBackupManifest,
  parseWalManifest,
  type WalManifest,
} from './wal-manifest.js';
import { baseBackupDir, validateWalDatabase, validateWalName, walObjectPath, walRoot } from './wal-paths.js';

/** One archived WAL file as listed: its object and manifest are both there. */
export interface ArchivedWalFile {
  name: string;
  timeline: string;
  /** Size of the stored object. */
  size: number;
}

/** A base backup as listed; `damaged` when its object is missing or has another size. */
export interface ListedBaseBackup extends BaseBackupManifest {
  damaged?: { storedBytes: number | undefined };
}

/** Everything archived for one database alias. */
export interface WalArchive {
  /** Base backups with a valid manifest, newest first by `startedAt`. */
  baseBackups: ListedBaseBackup[];
  /** WAL files whose object and manifest are both stored, by name. */
  files: Map<string, ArchivedWalFile>;
  /** Objects at a final name without a manifest (an archive interrupted after its move): not archived. */
  orphans: string[];
}

const TIMELINE = /^[0-9A-F]{8}$/;

/**
 * Lists the archive of `database` with one recursive listing (plus one read per base backup
 * manifest). A WAL file counts only with its manifest; uploads in `.partial/` never count.
 */
export async function listWalArchive(options: {
  storage: Storage;
  database: string;
  signal?: AbortSignal;
}): Promise<WalArchive> {
  const { storage, database, signal } = options;
  validateWalDatabase(database);
  const entries = (await storage.list(walRoot(database), { signal, recursive: true })).filter(
    (entry) => !entry.isDir,
  );
  const sizes = new Map(entries.map((entry) => [entry.path, entry.size]));
  const files = new Map<string, ArchivedWalFile>();
  const orphans: string[] = [];
  const baseManifests: string[] = [];
  for (const entry of entries) {
    const [top, name, ...rest] = entry.path.split('/');
    if (rest.length > 0 || !name) continue;
    if (top === 'base') {
      if (name.endsWith('.json')) baseManifests.push(name);
      continue;
    }
    if (!top || !TIMELINE.test(top) || name.endsWith('.json')) continue;
    if (sizes.has(`${entry.path}.json`)) files.set(name, { name, timeline: top, size: entry.size });
    else orphans.push(entry.path);
  }
  const baseBackups: ListedBaseBackup[] = [];
  for (const file of baseManifests) {
    const objectPath = `${baseBackupDir(database)}/${file.slice(0, -'.json'.length)}`;
    const data = await readIfExists(storage, `${objectPath}.json`, signal);
    const manifest = data && parseBaseBackupManifest(data, objectPath);
    if (!manifest || manifest.database !== database) continue;
    const storedBytes = sizes.get(`base/${manifest.name}`);
    baseBackups.push(storedBytes === manifest.bytes ? manifest : { ...manifest, damaged: { storedBytes } });
  }
  baseBackups.sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || (a.name < b.name ? 1 : -1));
  return { baseBackups, files, orphans };
}

/** Reads the manifest of one archived WAL file, or `undefined` when it is not archived. */
export async function readWalManifest(options: {
  storage: Storage;
  database: string;
  timeline: string;
  name: string;
  signal?: AbortSignal;
}): Promise<WalManifest | undefined> {
  validateWalName(options.timeline, options.name);
  const path = walObjectPath(options.database, options.timeline, options.name);
  const data = await readIfExists(options.storage, `${path}.json`, options.signal);
  return data && parseWalManifest(data, path);
}

/**
 * Removes archived WAL files (manifest first, then object, so a half-done removal never leaves a
 * manifest without its object) and base backups (the same order).
 */
export async function removeFromWalArchive(options: {
  storage: Storage;
  database: string;
  files?: readonly ArchivedWalFile[];
  baseBackups?: readonly BaseBackupManifest[];
  signal?: AbortSignal;
}): Promise<void> {
  const { storage, signal } = options;
  for (const backup of options.baseBackups ?? []) {
    await storage.delete(`${backup.path}.json`, { signal });
    await storage.delete(backup.path, { signal });
  }
  for (const file of options.files ?? []) {
    const path = walObjectPath(options.database, file.timeline, file.name);
    await storage.delete(`${path}.json`, { signal });
    await storage.delete(path, { signal });
  }
}
