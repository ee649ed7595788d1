import type { Writable } from 'node:stream';
import type { Storage } from '../contracts/storage.js';
import { readVerified } from '../restore/read-verified.js';
import type { BaseBackupManifest } from './wal-manifest.js';

/**
 * Streams a base backup into `sink` (a tar extractor) while checking its size and sha256 against
 * the manifest. Resolves with the byte count only when every byte matched; rejects with an
 * `IntegrityError` otherwise, so the caller must treat whatever `sink` wrote as garbage.
 */
export function readBaseBackup(options: {
  storage: Storage;
  backup: BaseBackupManifest;
  sink: Writable;
  signal?: AbortSignal;
  onBytes?: (bytes: number) => void;
}): Promise<number> {
  return readVerified(options);
}
