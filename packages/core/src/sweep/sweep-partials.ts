import createDebug from 'debug';
import { isFailureRecordName } from '../backup/failure-record.js';
import type { Storage, StorageEntry } from '../contracts/storage.js';
import type { BkEventListener } from '../events.js';
import { throwIfAborted } from '../layout/abort.js';
import { PARTIAL_DIR } from '../layout/paths.js';

const debug = createDebug('bk:core:sweep');

/**
 * Whether `name` is a staged backup manifest in `db/.partial/`: `<backup>.json.<token>` (written
 * by a backup before it moves its object into `db/`) or `<backup>.json.pruning` (a prune's).
 */
export function isStagedManifestName(name: string): boolean {
  return /\.json\.(?:[0-9a-f]+|pruning)$/.test(name);
}

/** Staged uploads older than this are swept by `sweepPartials`. @default 24 hours */
export const DEFAULT_PARTIAL_MAX_AGE_MS = 24 * 3_600_000;

/** Options of {@link sweepPartials}. */
export interface SweepPartialsOptions {
  /** Where the backups are. */
  storage: Storage;
  /**
   * The staging directory to sweep, relative to the remote base: `db/.partial` (uploads of
   * database backups) or `media/.partial` (staged snapshot manifests of media backups).
   * @default "db/.partial"
   */
  dir?: string;
  /**
   * Staged objects under `db/.partial/` last written longer ago than this are removed. Must be
   * longer than the longest backup upload, or a running upload could be removed.
   * @default 86400000 (24 hours)
   */
  olderThanMs?: number;
  /** Report what would be removed; remove nothing. @default false */
  dryRun?: boolean;
  /** Clock, for tests. @default () => new Date() */
  now?: () => Date;
  signal?: AbortSignal;
  /** Receives one `info` event (operation `cleanup`, database `*`) per swept object. */
  onEvent?: BkEventListener;
  /**
   * The objects under `dir` as just listed (paths relative to it), when the caller already has
   * them: no listing is made. @default a recursive listing of `dir`
   */
  listing?: readonly StorageEntry[];
}

/** One staged object that was (or, with `dryRun`, would be) swept. */
export interface SweptPartial {
  /** Path relative to the remote base (`db/.partial/<name>.<token>`, `media/.partial/<stamp>.json`). */
  path: string;
  /** Object name. */
  name: string;
  /** Size in bytes. */
  bytes: number;
  /** Age in milliseconds (from the object's modification time). */
  ageMs: number;
}

/** What {@link sweepPartials} found. */
export interface SweepPartialsResult {
  /** Stale staged objects removed (or removable with `dryRun`), oldest first. */
  swept: SweptPartial[];
  /** Staged objects younger than the threshold, left alone (uploads possibly in flight). */
  kept: SweptPartial[];
}

/**
 * Removes staged uploads left under `db/.partial/` (or `options.dir`) by a backup that was killed
 * (`kill -9` of bk, a crash, a lost host) once they are older than `olderThanMs`. These are never backups (no
 * manifest), so the object's modification time is the right clock here; listings and retention
 * never read it.
 */
export async function sweepPartials(options: SweepPartialsOptions): Promise<SweepPartialsResult> {
  const { storage, signal } = options;
  const olderThanMs = options.olderThanMs ?? DEFAULT_PARTIAL_MAX_AGE_MS;
  const now = (options.now ?? (() => new Date()))().getTime();
  const dir = options.dir ?? PARTIAL_DIR;
  const entries = options.listing ?? (await storage.list(dir, { signal, recursive: true }));
  const swept: SweptPartial[] = [];
  const kept: SweptPartial[] = [];
  for (const entry of entries) {
    // Failure records stay until the next successful backup of their database removes them; staged
    // manifests are evidence for `sweepOrphans`, which removes them with their object.
    if (entry.isDir || isFailureRecordName(entry.name) || isStagedManifestName(entry.name)) continue;
    const modified = Date.parse(entry.modTime);
    const partial: SweptPartial = {
      path: `${dir}/${entry.path}`,
      name: entry.name,
      bytes: entry.size,
      ageMs: Number.isNaN(modified) ? Number.POSITIVE_INFINITY : Math.max(0, now - modified),
    };
    (partial.ageMs >= olderThanMs ? swept : kept).push(partial);
  }
  swept.sort((a, b) => b.ageMs - a.ageMs);
  for (const partial of swept) {
    if (!options.dryRun) {
      throwIfAborted(signal, `sweep of ${dir}`);
      debug('removing %s', partial.path);
      await storage.delete(partial.path, { signal });
    }
    options.onEvent?.({
      type: 'info',
      operation: 'cleanup',
      database: '*',
      message: `${options.dryRun ? 'would sweep' : 'swept'} ${partial.path} (left by an interrupted backup)`,
    });
  }
  return { swept, kept };
}
