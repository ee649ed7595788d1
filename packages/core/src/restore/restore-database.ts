import { toBkError } from '../backup/to-bk-error.js';
import type { Connector } from '../contracts/connector.js';
import type { Storage, StorageReadHandle } from '../contracts/storage.js';
import { AbortedError } from '../errors/aborted-error.js';
import { BkError } from '../errors/bk-error.js';
import { ConfigError } from '../errors/config-error.js';
import { IntegrityError } from '../errors/integrity-error.js';
import type { BkEventListener } from '../events.js';
import { isAbortError, linkedController, throwIfAborted } from '../layout/abort.js';
import { throttleProgress } from '../layout/progress-throttle.js';
import { findBackup } from '../list/find-backup.js';
import type { BackupInfo } from '../manifest/types.js';
import { verifyBackup } from './verify-backup.js';
import { VerifyingStream } from './verifying-stream.js';

/** Options of {@link restoreDatabase}. */
export interface RestoreDatabaseOptions {
  /** Where the backups are. */
  storage: Storage;
  /** The connector of the target database; must match the backup's `connector`. */
  connector: Connector;
  /** Database alias whose backup is restored. */
  database: string;
  /** A backup name or `db/<name>`. @default the latest complete backup of `database` */
  inputPath?: string;
  /**
   * The backup to restore, as `findBackup` or `listBackups` returned it moments ago: no lookup is
   * made (a listing and a manifest read saved), and `inputPath` is ignored. Its manifest is still
   * what the stream is verified against; if the backup was removed meanwhile, the download fails
   * and nothing is restored.
   */
  backup?: BackupInfo;
  /** Aborting kills the download and the restore tool (an atomic restore then changes nothing). */
  signal?: AbortSignal;
  /** Receives `started`, `progress`, `completed` or `failed` events (and `verify` events first when the connector is not atomic). */
  onEvent?: BkEventListener;
}

/** What {@link restoreDatabase} restored. */
export interface RestoreDatabaseResult {
  /** The backup that was restored. */
  backup: BackupInfo;
  /** Bytes streamed into the restore tool. */
  bytes: number;
  /** Wall time of the restore. */
  durationMs: number;
}

/**
 * Restores a backup into the connector's database. The stream is verified on the way (size and
 * sha256 against the manifest) and the last bytes are held back until it is: with
 * `capabilities.atomicRestore` a truncated or corrupted backup, or a failed download, kills the
 * restore tool before it sees the end of its input, so the target is unchanged. Without atomic
 * restore the whole backup is verified first (a second read) before the target is touched.
 *
 * @throws {@link ConfigError} when the backup was made by another connector or belongs to another
 * database; `BackupNotFoundError`; `IntegrityError`; the restore tool's or rclone's error.
 */
export async function restoreDatabase(options: RestoreDatabaseOptions): Promise<RestoreDatabaseResult> {
  const { storage, connector, database, signal } = options;
  const what = `restore of "${database}"`;
  throwIfAborted(signal, what);
  const backup =
    options.backup ?? (await findBackup({ storage, database, inputPath: options.inputPath, signal }));
  if (backup.database !== database) {
    throw new ConfigError(`backup ${backup.name} belongs to "${backup.database}", not to "${database}"`, {
      key: 'inputPath',
      hint: `restore a backup of "${database}" (bk listbackups -d ${database})`,
    });
  }
  if (backup.connector !== connector.id) {
    throw new ConfigError(
      `backup ${backup.name} was made by the ${backup.connector} connector, but "${database}" uses ${connector.id}`,
      { key: `databases.${database}`, hint: 'restore it into a database of the same engine' },
    );
  }
  const emit = options.onEvent ?? (() => {});
  const startedMs = Date.now();
  emit({ type: 'started', operation: 'restore', database, estimatedBytes: backup.bytes, name: backup.name });
  try {
    if (!connector.capabilities.atomicRestore) {
      await verifyBackup({ storage, backup, signal, onEvent: options.onEvent });
    }
    const bytes = await streamRestore(options, backup);
    const durationMs = Date.now() - startedMs;
    emit({ type: 'completed', operation: 'restore', database, bytes, durationMs, name: backup.name });
    return { backup, bytes, durationMs };
  } catch (caught) {
    const error = toBkError(caught, what, signal?.aborted === true && !isAbortError(caught));
    emit({ type: 'failed', operation: 'restore', database, durationMs: Date.now() - startedMs, error });
    throw error;
  }
}

async function streamRestore(options: RestoreDatabaseOptions, backup: BackupInfo): Promise<number> {
  const { storage, connector, database, signal } = options;
  const emit = options.onEvent ?? (() => {});
  const { controller, dispose } = linkedController(signal);
  try {
    const handle = storage.get(backup.path, { signal: controller.signal });
    const verifier = new VerifyingStream({
      path: backup.path,
      expected: { bytes: backup.bytes, sha256: backup.sha256 },
      sourceDone: handle.done,
      onBytes: throttleProgress((progress) =>
        emit({ type: 'progress', operation: 'restore', database, ...progress, estimatedBytes: backup.bytes }),
      ),
    });
    // A failed download destroys the input, so the restore tool is killed before end of input.
    handle.stream.once('error', (error) => verifier.destroy(error));
    handle.done.catch((error: unknown) => verifier.destroy(error as Error));
    verifier.once('error', () => controller.abort(new Error('restore input failed')));
    handle.stream.pipe(verifier);
    try {
      await connector.restore(verifier, { signal: controller.signal });
    } catch (error) {
      // Read before the abort below, which kills the download and so destroys the verifier.
      const verification = verifier.errored;
      const unverified = !verifier.verified && !verification;
      controller.abort(error);
      await stopDownload(handle, verifier);
      if (signal?.aborted && !isAbortError(error)) {
        throw new AbortedError(`restore of "${database}"`, { cause: signal.reason });
      }
      // A corrupt byte can make the tool fail (a syntax error) at about the time the verifier
      // finds the sha256 wrong, in either order: the corruption is the cause to report.
      if (IntegrityError.isInstance(verification) && error !== verification) {
        throw new IntegrityError(verification.path, verification.expected, verification.actual, {
          cause: error,
        });
      }
      // The tool failed before the backup was verified: when the backup is corrupt, say so.
      if (!signal?.aborted && unverified) {
        await reportCorruption(storage, backup, error, signal);
      }
      throw error;
    }
    if (!verifier.verified) {
      // The tool exited 0 without reading to the end: nobody will drain the download, and the
      // restore ended before the backup's sha256 was confirmed. Never report that as a success.
      controller.abort(new Error('the restore tool stopped reading'));
      await stopDownload(handle, verifier);
      throw new BkError(
        'BK_RESTORE_INCOMPLETE',
        `the ${connector.id} restore of "${database}" ended before reading all ${backup.bytes} bytes of ${backup.path}, so the backup was never verified`,
        {
          hint: 'the connector must read its input to the end before it exits; check the target and report it',
        },
      );
    }
    await handle.done;
    return verifier.bytes;
  } finally {
    dispose();
  }
}

/**
 * Ends a download nobody will read any more. Killing rclone is not enough: a paused stream with
 * buffered data never ends, so its `done` would wait forever once the tool stopped reading.
 */
async function stopDownload(handle: StorageReadHandle, verifier: VerifyingStream): Promise<void> {
  handle.stream.unpipe(verifier);
  verifier.destroy();
  handle.stream.destroy();
  await handle.done.catch(() => {});
}

/**
 * Re-reads `backup` after its restore tool failed on unverified input, and throws the
 * {@link IntegrityError} (with the tool's error as `cause`) when the backup is corrupt. Any other
 * outcome (the backup is fine, or it cannot be read) leaves the tool's error to be reported.
 */
async function reportCorruption(
  storage: Storage,
  backup: BackupInfo,
  toolError: unknown,
  signal: AbortSignal | undefined,
): Promise<void> {
  try {
    await verifyBackup({ storage, backup, signal });
  } catch (verifyError) {
    if (IntegrityError.isInstance(verifyError)) {
      throw new IntegrityError(verifyError.path, verifyError.expected, verifyError.actual, {
        cause: toolError,
      });
    }
  }
}
