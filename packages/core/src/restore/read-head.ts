import type { Readable } from 'node:stream';

/** What {@link readHead} read from the start of a stream. */
export interface StreamHead {
  /** The bytes read; the whole input when `ended`. */
  bytes: Buffer;
  /** The input ended within the bytes read (they are all of it; the stream cannot be read again). */
  ended: boolean;
}

/**
 * Reads the start of `input` until `enough(bytes)` is true, the input ends, or `limit` bytes were
 * read, then puts the bytes back (`unshift`) unless the input ended, so the next reader sees the
 * stream from its first byte. Lets a connector look at a restore's input (empty? only a header?)
 * before its restore tool starts. Rejects when the input fails or closes before its end.
 */
export function readHead(
  input: Readable,
  enough: (bytes: Buffer) => boolean,
  limit = 1024 * 1024,
): Promise<StreamHead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const cleanup = () => {
      input.off('readable', onReadable);
      input.off('end', onEnd);
      input.off('error', onError);
      input.off('close', onClose);
    };
    const onReadable = () => {
      for (let chunk: unknown = input.read(); chunk !== null; chunk = input.read()) {
        const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
        chunks.push(buffer);
        length += buffer.length;
        const bytes = Buffer.concat(chunks, length);
        if (length >= limit || enough(bytes)) {
          cleanup();
          input.unshift(bytes);
          resolve({ bytes, ended: false });
          return;
        }
      }
    };
    const onEnd = () => {
      cleanup();
      resolve({ bytes: Buffer.concat(chunks, length), ended: true });
    };
    const onError = (error: unknown) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      if (input.readableEnded) return;
      cleanup();
      reject(new Error('input stream closed before its end'));
    };
    input.on('readable', onReadable);
    input.once('end', onEnd);
    input.once('error', onError);
    input.once('close', onClose);
  });
}
