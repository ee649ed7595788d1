import type { Readable } from 'node:stream';

/**
 * Reads the first chunk of `input` and puts it back (`unshift`), so the caller can look at the
 * first bytes before the stream goes anywhere. Resolves `undefined` when the input is empty;
 * rejects when it fails or closes first.
 */
export function peekFirstChunk(input: Readable): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      input.off('readable', onReadable);
      input.off('end', onEnd);
      input.off('error', onError);
      input.off('close', onClose);
    };
    const onReadable = () => {
      const chunk: unknown = input.read();
      if (chunk === null) return;
      cleanup();
      input.unshift(chunk);
      resolve(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    };
    const onEnd = () => {
      cleanup();
      resolve(undefined);
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
