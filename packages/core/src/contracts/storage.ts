import type { Readable } from 'node:stream';

/** One object or directory in a {@link Storage} listing. */
export interface StorageEntry {
  /** Path relative to the listed directory, `/`-separated. */
  path: string;
  /** Base name. */
  name: string;
  /** Size in bytes (`-1` for directories or when unknown). */
  size: number;
  /** Modification time as the backend reports it (never used to order backups). */
  modTime: string;
  isDir: boolean;
}

/** Transfer progress reported by a storage. */
export interface TransferProgress {
  /** Bytes transferred so far. */
  bytes: number;
  /** Bytes per second, when known. */
  speed?: number;
}

/** An open download: read `stream`, then await `done`. */
export interface StorageReadHandle {
  stream: Readable;
  /** Rejects when the download failed (missing object, network error). */
  done: Promise<void>;
}

/** Common options of storage calls. */
export interface StorageCallOptions {
  signal?: AbortSignal;
}

/**
 * Stores named objects under a base path. Paths are relative, `/`-separated, never absolute and
 * never containing `..`. `@bk/core`'s `RcloneStorage` is the default implementation.
 */
export interface Storage {
  /** The contract version this storage implements. */
  readonly specificationVersion: 'v1';
  /** Where it stores, for messages, with secrets redacted. */
  readonly location: string;

  /** Checks that the remote exists and can be listed; throws a clear error otherwise. */
  check(options?: StorageCallOptions): Promise<void>;
  /** Uploads a stream to `path`. Resolves when the object is stored. May write the final name directly. */
  put(
    path: string,
    input: Readable,
    options?: StorageCallOptions & { onProgress?: (progress: TransferProgress) => void; sizeHint?: number },
  ): Promise<void>;
  /** Opens `path` for reading. */
  get(path: string, options?: StorageCallOptions): StorageReadHandle;
  /** Reads a small object whole. */
  read(path: string, options?: StorageCallOptions): Promise<Buffer>;
  /** Writes a small object whole. */
  write(path: string, data: string | Uint8Array, options?: StorageCallOptions): Promise<void>;
  /** Lists a directory; a missing directory is an empty listing. */
  list(dir: string, options?: StorageCallOptions & { recursive?: boolean }): Promise<StorageEntry[]>;
  /** Renames an object (server-side where the backend can). */
  move(from: string, to: string, options?: StorageCallOptions): Promise<void>;
  /** Deletes an object. Deleting a missing object is not an error. */
  delete(path: string, options?: StorageCallOptions): Promise<void>;
}
