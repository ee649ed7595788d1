import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import createDebug from 'debug';
import type { Storage, StorageEntry } from '../contracts/storage.js';
import { BkError } from '../errors/bk-error.js';
import { ConfigError } from '../errors/config-error.js';
import { IntegrityError } from '../errors/integrity-error.js';
import type { BkEvent } from '../events.js';
import { isAbortError, throwIfAborted } from '../layout/abort.js';
import { backupObjectPath, DB_DIR, manifestPathOf, PARTIAL_DIR } from '../layout/paths.js';
import { pauseForTests } from '../layout/test-pause.js';
import { serializeManifest } from '../manifest/serialize.js';
import type { BackupInfo, BackupManifest } from '../manifest/types.js';
import { BK_VERSION } from '../manifest/version.js';
import {
  DEFAULT_FILENAME_TEMPLATE,
  renderFilename,
  validateFilenameTemplate,
} from '../naming/filename-template.js';
import { pickFreeName } from '../naming/free-name.js';
import { applyRetention } from '../retention/apply-retention.js';
import { validateKeepPolicy } from '../retention/validate-keep-policy.js';
import { sweepPartials } from '../sweep/sweep-partials.js';
import type { BackupOptions, BackupResult } from './backup-options.js';
import { failureRecordPath, writeFailureRecord } from './failure-record.js';
import { streamDump } from './stream-dump.js';
import { toBkError } from './to-bk-error.js';

const debug = createDebug('bk:core');

function validateDatabase(database: string): void {
  if (
    typeof database !== 'string' ||
    database.trim() === '' ||
    /[/\\\p{Cc}]/u.test(database) ||
    database.includes('..')
  ) {
    throw new ConfigError(`invalid database alias ${JSON.stringify(database)}`, {
      key: 'databases',
      hint: 'use a plain name such as "default" (no /, \\ or ..)',
    });
  }
}

async function takenNames(storage: Storage, signal: AbortSignal | undefined): Promise<Set<string>> {
  const entries = await storage.list(DB_DIR, { signal });
  return new Set(entries.map((entry) => entry.name));
}

async function bestEffortDelete(storage: Storage, path: string): Promise<void> {
  try {
    await storage.delete(path);
  } catch (error) {
    debug('could not remove %s after a failed backup: %O', path, error);
  }
}

/**
 * Backs up one database: checks the remote first (a bad remote dumps nothing), streams the dump
 * through sha256 and a byte counter into a staging object under `db/.partial/`, waits for both the
 * dump tool and the upload, checks the stored size, moves the object to `db/<name>` and writes its
 * manifest last. A failure at any byte leaves nothing outside `db/.partial/` (the staged object is
 * removed best-effort) and nothing listed. After success, uploads left in `.partial/` for over a
 * day (a crash of bk itself) are swept. Retention runs only after success and never removes
 * the backup just made.
 *
 * @throws {@link ConfigError} for a bad template, keep policy or remote; `ProcessError` naming the
 * dump tool or rclone; {@link IntegrityError} when the stored size differs; {@link AbortedError}.
 */
export async function backupDatabase(options: BackupOptions): Promise<BackupResult> {
  const { storage, connector, database, signal } = options;
  const template = options.filenameTemplate ?? DEFAULT_FILENAME_TEMPLATE;
  validateDatabase(database);
  validateFilenameTemplate(template);
  const keep = options.keep === undefined ? undefined : validateKeepPolicy(options.keep, 'db.keep');
  const host = options.host ?? hostname();
  const now = options.now ?? (() => new Date());
  const emit = (event: BkEvent) => options.onEvent?.(event);
  const startedMs = Date.now();
  const what = `backup of "${database}"`;
  throwIfAborted(signal, what);

  let estimatedBytes: number | undefined;
  emit({ type: 'started', operation: 'backup', database });
  const cleanup: string[] = [];
  // Independent steps run side by side: the remote's and the database's round trips overlap.
  // The first failure aborts the others (their processes are killed) and is the one reported.
  const siblings = new AbortController();
  try {
    const preSignal = signal ? AbortSignal.any([signal, siblings.signal]) : siblings.signal;
    const countRows = connector.capabilities.rowCounts && options.countRows !== false && connector.rowCounts;
    const sized = connector.capabilities.sizeEstimate && connector.estimateSize;
    const settle = <T>(promise: Promise<T>): Promise<T> =>
      promise.catch((error: unknown) => {
        siblings.abort(error);
        throw error;
      });
    // Row counts come from the dump stream itself when the connector can read its format (exactly
    // what the backup holds, at no cost to the server). Otherwise they run beside the dump (their
    // scans overlap the stream) in their own snapshot, awaited before the manifest is written; a
    // failure of either stops the other.
    const rowCounter = countRows && connector.rowCounter ? connector.rowCounter() : undefined;
    const counting =
      countRows && !rowCounter ? settle(connector.rowCounts!({ signal: preSignal })) : undefined;
    counting?.catch(() => {});
    const [description, estimate, taken] = await Promise.all([
      settle(
        (options.remoteChecked ? Promise.resolve() : storage.check({ signal: preSignal })).then(() =>
          connector.describe({ signal: preSignal }),
        ),
      ),
      sized ? connector.estimateSize!({ signal: preSignal }).catch(() => undefined) : undefined,
      settle(takenNames(storage, preSignal)),
    ]).catch((error: unknown) => {
      // A sibling that failed first (a row count) aborted these: report its error, not the abort.
      if (siblings.signal.aborted && !signal?.aborted) throw siblings.signal.reason;
      throw error;
    });
    estimatedBytes = estimate;
    const startedAt = now();
    const wanted = renderFilename(template, { database, date: startedAt, ext: connector.extension, host });
    let name = pickFreeName(wanted, taken, connector.extension);
    const token = randomBytes(6).toString('hex');
    const stagingPath = `${PARTIAL_DIR}/${name}.${token}`;
    cleanup.push(stagingPath);
    debug('staging %s as %s', name, stagingPath);

    let streamed: Awaited<ReturnType<typeof streamDump>>;
    try {
      streamed = await streamDump({
        connector,
        storage,
        stagingPath,
        database,
        signal: preSignal,
        ...(rowCounter ? { rowCounter } : {}),
        ...(estimatedBytes === undefined ? {} : { estimatedBytes }),
        onProgress: (progress) =>
          emit({ type: 'progress', operation: 'backup', database, ...progress, estimatedBytes }),
      });
    } catch (error) {
      // A failed count stopped the dump: report the count's error, not the abort it caused.
      if (siblings.signal.aborted && !signal?.aborted) throw siblings.signal.reason;
      siblings.abort(error);
      throw error;
    }
    const rowCounts = rowCounter ? streamed.rowCounts : await counting;
    if (rowCounter && !rowCounts) {
      emit({
        type: 'warning',
        operation: 'backup',
        database,
        message: `could not read row counts from the ${connector.id} dump: the manifest records none (bk dbrestore --check needs them)`,
      });
    }

    // One recursive listing gives the staged size and the names taken meanwhile (same second,
    // another process).
    const listing = await storage.list(DB_DIR, { signal, recursive: true });
    const staged = listing.find((entry) => `${DB_DIR}/${entry.path}` === stagingPath);
    if (staged?.size !== streamed.bytes) {
      const stored = { bytes: staged?.size ?? 0, sha256: '' };
      throw new IntegrityError(stagingPath, { bytes: streamed.bytes, sha256: streamed.sha256 }, stored, {
        hint: 'the remote stored a different size than was uploaded: check its free space and retry',
      });
    }
    const takenNow = new Set(listing.filter((entry) => !entry.path.includes('/')).map((entry) => entry.name));
    name = pickFreeName(name, takenNow, connector.extension);
    const objectPath = backupObjectPath(name);
    const manifestPath = manifestPathOf(name);
    cleanup.push(manifestPath, objectPath);

    const manifest: BackupManifest = {
      formatVersion: 1,
      database,
      connector: connector.id,
      engine: description.engine,
      serverVersion: description.serverVersion,
      toolVersion: description.toolVersion,
      name,
      path: objectPath,
      bytes: streamed.bytes,
      sha256: streamed.sha256,
      startedAt: startedAt.toISOString(),
      finishedAt: now().toISOString(),
      host,
      bkVersion: BK_VERSION,
      ...(rowCounts ? { rowCounts } : {}),
    };
    const manifestStaging = `${PARTIAL_DIR}/${name}.json.${token}`;
    cleanup.push(manifestStaging);
    // Staged BEFORE the object moves: an object in db/ without its manifest then always has this
    // staged manifest as evidence that bk put it there, so a sweep may remove it (`sweepOrphans`).
    await storage.write(manifestStaging, serializeManifest(manifest), { signal });
    await pauseForTests('staged', signal);
    await storage.move(stagingPath, objectPath, { signal });
    await pauseForTests('moved', signal);
    throwIfAborted(signal, what);
    await storage.move(manifestStaging, manifestPath, { signal });
    cleanup.length = 0;
    await pauseForTests('committed', signal);
    const backup: BackupInfo = { ...manifest, manifestPath };
    const partials = partialsIn(listing);
    // This success supersedes an earlier failure: its record no longer blocks retention.
    if (partials.some((entry) => entry.path === failureRecordPath(database).slice(PARTIAL_DIR.length + 1)))
      await bestEffortDelete(storage, failureRecordPath(database));
    await sweepStale(storage, signal, partials);

    const pruned = keep === undefined ? [] : await prune(options, keep, name);
    emit({
      type: 'completed',
      operation: 'backup',
      database,
      bytes: streamed.bytes,
      durationMs: Date.now() - startedMs,
      name,
    });
    return { backup, pruned };
  } catch (thrown) {
    // Manifest first, then objects: never an object outside .partial/ without its manifest.
    for (const path of cleanup) await bestEffortDelete(storage, path);
    // A step that failed first (a row count refused by the server) aborted its siblings: report
    // that failure, not the interrupt it caused in whichever step happened to be awaited.
    const caught = !signal?.aborted && siblings.signal.aborted ? siblings.signal.reason : thrown;
    const error =
      signal?.aborted && !isAbortError(caught)
        ? toBkError(signal.reason, what, true)
        : toBkError(caught, what);
    // A real failure (not an interrupt, not bad input or config) is recorded for retention.
    if (!signal?.aborted && error.category === 'operation') {
      await writeFailureRecord(storage, {
        formatVersion: 1,
        database,
        startedAt: new Date(startedMs).toISOString(),
        failedAt: new Date().toISOString(),
        host,
        error: error.message,
      });
    }
    emit({ type: 'failed', operation: 'backup', database, durationMs: Date.now() - startedMs, error });
    throw error;
  }
}

/** The entries under `db/.partial/` of a recursive listing of `db/`, relative to `db/.partial/`. */
function partialsIn(listing: readonly StorageEntry[]): StorageEntry[] {
  const prefix = `${PARTIAL_DIR.slice(DB_DIR.length + 1)}/`;
  return listing
    .filter((entry) => entry.path.startsWith(prefix))
    .map((entry) => ({ ...entry, path: entry.path.slice(prefix.length) }));
}

/**
 * Removes, best-effort, uploads left in `db/.partial/` for over a day (the default age of
 * {@link sweepPartials}) by a crash or a kill -9 of bk itself. A failure here never fails the
 * backup just made.
 */
async function sweepStale(
  storage: Storage,
  signal: AbortSignal | undefined,
  listing: readonly StorageEntry[],
): Promise<void> {
  try {
    await sweepPartials({ storage, signal, listing });
  } catch (error) {
    if (isAbortError(error)) throw error;
    debug('could not sweep stale uploads: %O', error);
  }
}

async function prune(
  options: BackupOptions,
  keep: NonNullable<BackupOptions['keep']>,
  name: string,
): Promise<BackupInfo[]> {
  try {
    const result = await applyRetention({
      storage: options.storage,
      database: options.database,
      keep,
      protect: [name],
      signal: options.signal,
      onEvent: options.onEvent,
    });
    return result.removed;
  } catch (error) {
    if (isAbortError(error)) throw error;
    // The backup is complete; a failed cleanup must not report it as failed.
    options.onEvent?.({
      type: 'warning',
      operation: 'cleanup',
      database: options.database,
      message: `retention failed after a successful backup: ${BkError.isInstance(error) ? error.message : String(error)}`,
    });
    return [];
  }
}
