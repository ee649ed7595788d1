import { constants, gunzipSync } from 'node:zlib';
import { type ArchivePrelude, GZIP_MAGIC, PreludeReader } from './archive-prelude.js';

/** What the first bytes of an archive (gzipped or not) say about its prelude. */
export interface ArchiveHead {
  /** The bytes start with gzip's magic number (`mongodump --archive --gzip`). */
  gzip: boolean;
  /** The prelude, once the bytes hold all of it. */
  prelude: ArchivePrelude | undefined;
  /** Set when the bytes are not an archive (mongorestore will say so itself). */
  invalid: string | undefined;
}

/**
 * Reads the prelude from the first bytes of an archive. Gzipped bytes are inflated as far as they
 * go (`Z_SYNC_FLUSH`: a cut-short gzip stream is not an error here), so the caller can pass a prefix.
 */
export function readArchiveHead(bytes: Buffer): ArchiveHead {
  const gzip = bytes.subarray(0, 2).equals(GZIP_MAGIC);
  let plain = bytes;
  if (gzip) {
    try {
      plain = gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      return { gzip, prelude: undefined, invalid: undefined };
    }
  }
  const reader = new PreludeReader();
  reader.push(plain);
  return { gzip, prelude: reader.prelude, invalid: reader.invalid };
}

/** Whether `bytes` are enough to know the prelude (or that there is none). */
export function knowsPrelude(bytes: Buffer): boolean {
  const head = readArchiveHead(bytes);
  return head.prelude !== undefined || head.invalid !== undefined;
}
