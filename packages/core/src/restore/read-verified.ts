import type { Writable } from 'node:stream';
import { Writable as WritableStream } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Storage } from '../contracts/storage.js';
import { AbortedError } from '../errors/aborted-error.js';
import { isAbortError, linkedController } from '../layout/abort.js';
import type { BackupInfo } from '../manifest/types.js';
import { VerifyingStream } from './verifying-stream.js';

/**
 * Downloads a backup through a {@link VerifyingStream} into `sink` (a null sink by default) and
 * waits for both; rejects with the download's error, an `IntegrityError`, or an `AbortedError`.
 */
export async function readVerified(options: {
  storage: Storage;
  backup: Pick<BackupInfo, 'path' | 'name' | 'bytes' | 'sha256'>;
  signal?: AbortSignal;
  onBytes?: (bytes: number) => void;
  sink?: Writable;
}): Promise<number> {
  const { storage, backup } = options;
  const { controller, dispose } = linkedController(options.signal);
  try {
    const handle = storage.get(backup.path, { signal: controller.signal });
    const verifier = new VerifyingStream({
      path: backup.path,
      expected: { bytes: backup.bytes, sha256: backup.sha256 },
      sourceDone: handle.done,
      holdBackBytes: 1,
      onBytes: options.onBytes,
    });
    const sink =
      options.sink ??
      new WritableStream({
        write: (_chunk, _encoding, callback) => callback(),
      });
    try {
      await pipeline(handle.stream, verifier, sink);
    } catch (error) {
      controller.abort(error);
      await handle.done.catch(() => {});
      if (options.signal?.aborted && !isAbortError(error)) {
        throw new AbortedError(`read of ${backup.name}`, { cause: options.signal.reason });
      }
      throw error;
    }
    return verifier.bytes;
  } finally {
    dispose();
  }
}
