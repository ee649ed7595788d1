import createDebug from 'debug';
import type { Storage, StorageEntry } from '../contracts/storage.js';
import { DB_DIR, MANIFEST_SUFFIX } from '../layout/paths.js';
import { parseManifest } from '../manifest/parse.js';
import type { BackupManifest } from '../manifest/types.js';
import { RcloneStorage } from '../storage/rclone-storage.js';
import { splitJsonObjects } from './split-json-objects.js';

const debug = createDebug('bk:core');

/** How many manifests are read at once when they have to be read one by one. */
export const MANIFEST_READ_CONCURRENCY = 8;

async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Reads the manifests among `entries` (files directly in `db/`), validated. With an
 * {@link RcloneStorage}, all manifests come from ONE `rclone cat` of `db/*.json`, split into JSON
 * objects by their braces (so a manifest without its trailing newline, hand-edited or written by
 * another tool, costs nothing extra); only a manifest file that did not yield a valid object (not
 * JSON, or an unclosed one that swallowed its neighbour) is then read alone. Other
 * storages read manifests one by one, {@link MANIFEST_READ_CONCURRENCY} at a time.
 * Returns manifests keyed by the manifest's file name.
 */
export async function readManifests(
  storage: Storage,
  entries: readonly StorageEntry[],
  signal: AbortSignal | undefined,
): Promise<Map<string, BackupManifest>> {
  const manifestFiles = entries.filter((entry) => !entry.isDir && entry.name.endsWith(MANIFEST_SUFFIX));
  const found = new Map<string, BackupManifest>();
  if (manifestFiles.length === 0) return found;
  const wanted = new Set(manifestFiles.map((entry) => entry.name));
  if (storage instanceof RcloneStorage && manifestFiles.length > 1) {
    const text = (await storage.readConcatenated(DB_DIR, `*${MANIFEST_SUFFIX}`, { signal })).toString('utf8');
    for (const object of splitJsonObjects(text)) {
      const parsed = parseManifest(object);
      if (!parsed.ok) continue;
      const file = `${parsed.manifest.name}${MANIFEST_SUFFIX}`;
      if (wanted.has(file) && !found.has(file)) found.set(file, parsed.manifest);
    }
  }
  const missing = manifestFiles.filter((entry) => !found.has(entry.name));
  await mapLimit(missing, MANIFEST_READ_CONCURRENCY, async (entry) => {
    const parsed = parseManifest(await storage.read(`${DB_DIR}/${entry.name}`, { signal }));
    if (!parsed.ok) {
      debug('ignoring %s: %s', entry.name, parsed.reason);
      return;
    }
    if (`${parsed.manifest.name}${MANIFEST_SUFFIX}` !== entry.name) {
      debug('ignoring %s: it describes %s', entry.name, parsed.manifest.name);
      return;
    }
    found.set(entry.name, parsed.manifest);
  });
  return found;
}
