import type { StorageEntry } from '../contracts/storage.js';
import { throwIfAborted } from '../layout/abort.js';
import { DB_DIR, MANIFEST_SUFFIX, PARTIAL_DIR } from '../layout/paths.js';
import {
  DEFAULT_PARTIAL_MAX_AGE_MS,
  isStagedManifestName,
  type SweepPartialsOptions,
  type SweepPartialsResult,
  type SweptPartial,
} from './sweep-partials.js';

/** A staged manifest left in `db/.partial/` and the object of `db/` it vouches for, if orphaned. */
export interface Orphan {
  /** `db/.partial/<backup>.json.<token>` (or `.json.pruning`). */
  stagedManifest: StorageEntry;
  /** `db/<backup>` when it exists and has no manifest next to it: a leftover to remove. */
  object: StorageEntry | undefined;
}

/**
 * Pairs each staged manifest of a recursive listing of `db/` with its object. bk writes a staged
 * manifest into `db/.partial/` before it moves a finished upload into `db/` (and moves a manifest
 * there before a prune deletes its object), so an object of `db/` without a manifest but with a
 * staged one is bk's own leftover of a `kill -9`. Objects without that evidence (a file copied by
 * hand, a django-dbbackup backup) are never paired, so never removed.
 */
export function findOrphans(listing: readonly StorageEntry[]): Orphan[] {
  const prefix = `${PARTIAL_DIR.slice(DB_DIR.length + 1)}/`;
  const top = new Map(
    listing.filter((entry) => !entry.isDir && !entry.path.includes('/')).map((entry) => [entry.name, entry]),
  );
  return listing
    .filter(
      (entry) => !entry.isDir && entry.path === `${prefix}${entry.name}` && isStagedManifestName(entry.name),
    )
    .map((stagedManifest) => {
      const backup = stagedManifest.name.slice(0, stagedManifest.name.lastIndexOf(MANIFEST_SUFFIX));
      const object = top.get(backup);
      const orphaned = object !== undefined && !top.has(`${backup}${MANIFEST_SUFFIX}`);
      return { stagedManifest, object: orphaned ? object : undefined };
    });
}

/**
 * Removes what a `kill -9` of bk left between moving an object into `db/` and writing its manifest
 * (or between the two deletions of a prune): each staged manifest in `db/.partial/` older than
 * `olderThanMs` (by its modification time, default 24 hours) is removed, after the object of
 * `db/` it vouches for when that object has no manifest. Reports `swept db/<name>` per object and
 * per staged manifest, like `sweepPartials`; younger ones are returned as `kept`.
 */
export async function sweepOrphans(
  options: Omit<SweepPartialsOptions, 'dir' | 'listing'>,
): Promise<SweepPartialsResult> {
  const { storage, signal } = options;
  const olderThanMs = options.olderThanMs ?? DEFAULT_PARTIAL_MAX_AGE_MS;
  const now = (options.now ?? (() => new Date()))().getTime();
  const listing = await storage.list(DB_DIR, { signal, recursive: true });
  const swept: SweptPartial[] = [];
  const kept: SweptPartial[] = [];
  const describe = (entry: StorageEntry): SweptPartial => {
    const modified = Date.parse(entry.modTime);
    return {
      path: `${DB_DIR}/${entry.path}`,
      name: entry.name,
      bytes: entry.size,
      ageMs: Number.isNaN(modified) ? Number.POSITIVE_INFINITY : Math.max(0, now - modified),
    };
  };
  for (const orphan of findOrphans(listing)) {
    const staged = describe(orphan.stagedManifest);
    const items = [...(orphan.object ? [describe(orphan.object)] : []), staged];
    if (staged.ageMs < olderThanMs) {
      kept.push(...items);
      continue;
    }
    for (const item of items) {
      if (!options.dryRun) {
        throwIfAborted(signal, 'sweep of db/');
        await storage.delete(item.path, { signal });
      }
      swept.push(item);
      options.onEvent?.({
        type: 'info',
        operation: 'cleanup',
        database: '*',
        message: `${options.dryRun ? 'would sweep' : 'swept'} ${item.path} (${item === staged ? 'staged manifest' : 'object without a manifest'} of a killed run)`,
      });
    }
  }
  return { swept, kept };
}
