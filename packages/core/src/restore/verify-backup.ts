import { toBkError } from '../backup/to-bk-error.js';
import type { Storage } from '../contracts/storage.js';
import type { BkEventListener } from '../events.js';
import { throwIfAborted } from '../layout/abort.js';
import { throttleProgress } from '../layout/progress-throttle.js';
import { damagedBackupError } from '../list/list-backups.js';
import type { BackupInfo } from '../manifest/types.js';
import { readVerified } from './read-verified.js';

/** Options of {@link verifyBackup}. */
export interface VerifyBackupOptions {
  /** Where the backup is. */
  storage: Storage;
  /** The backup to check (from `listBackups` or `findBackup`). */
  backup: BackupInfo;
  signal?: AbortSignal;
  /** Receives `started`, `progress`, `completed` or `failed` events (operation `verify`). */
  onEvent?: BkEventListener;
}

/**
 * Re-reads a backup from the remote and checks its size and sha256 against its manifest.
 *
 * @throws `IntegrityError` when they differ (early, as soon as it is longer than recorded); the
 * download's error (naming rclone) when it fails; `AbortedError` when aborted.
 */
export async function verifyBackup(options: VerifyBackupOptions): Promise<void> {
  const { storage, backup, signal } = options;
  const database = backup.database;
  const emit = options.onEvent ?? (() => {});
  const startedMs = Date.now();
  const what = `verify of ${backup.name}`;
  emit({ type: 'started', operation: 'verify', database, estimatedBytes: backup.bytes, name: backup.name });
  try {
    throwIfAborted(signal, what);
    if (backup.damaged) throw damagedBackupError(backup);
    const bytes = await readVerified({
      storage,
      backup,
      signal,
      onBytes: throttleProgress((progress) =>
        emit({ type: 'progress', operation: 'verify', database, ...progress, estimatedBytes: backup.bytes }),
      ),
    });
    emit({
      type: 'completed',
      operation: 'verify',
      database,
      bytes,
      durationMs: Date.now() - startedMs,
      name: backup.name,
    });
  } catch (caught) {
    const error = toBkError(caught, what, signal?.aborted === true);
    emit({ type: 'failed', operation: 'verify', database, durationMs: Date.now() - startedMs, error });
    throw error;
  }
}
