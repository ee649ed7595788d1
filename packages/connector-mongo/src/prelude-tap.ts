import { Transform } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';
import { type ArchivePrelude, PreludeReader } from './archive-prelude.js';

/** A pass-through stream that reads the archive prelude of the bytes flowing through it. */
export interface PreludeTap {
  /** Pipe the dump into this; read the same bytes out of it. */
  stream: Transform;
  /** The prelude once read; `undefined` when the stream ended before it or was not an archive. */
  prelude(): ArchivePrelude | undefined;
  /** Resolves once the prelude was read, or the bytes were not an archive, or the stream ended. */
  settled: Promise<void>;
}

/**
 * Watches a dump stream without changing it, to learn from the archive prelude how many
 * collections were dumped. With `gzip`, a side copy of the first bytes goes through gunzip.
 */
export function createPreludeTap(options: { gzip: boolean }): PreludeTap {
  const reader = new PreludeReader();
  let finished = false;
  let settle: () => void = () => {};
  const settled = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const finish = () => {
    finished = true;
    settle();
  };
  let gunzip: Gunzip | undefined;
  if (options.gzip) {
    gunzip = createGunzip();
    gunzip.on('data', (chunk: Buffer) => {
      if (!finished && reader.push(chunk)) {
        finish();
        gunzip?.destroy();
      }
    });
    // A truncated or corrupt stream is the dump tool's failure to report, not ours.
    gunzip.on('error', finish);
  }
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (!finished) {
        if (gunzip) gunzip.write(chunk);
        else if (reader.push(chunk)) finish();
      }
      callback(null, chunk);
    },
  });
  let draining = false;
  stream.once('finish', () => {
    if (gunzip && !finished) {
      draining = true;
      gunzip.once('end', finish);
      gunzip.once('close', finish);
      gunzip.end();
    } else finish();
  });
  // 'close' follows 'finish' at once, while gunzip may still hold the prelude's last bytes: settling
  // then would report a complete archive as having no prelude. Wait for gunzip in that case.
  stream.once('close', () => {
    if (!draining) finish();
  });
  return { stream, prelude: () => reader.prelude, settled };
}
