import { Readable } from 'node:stream';
import type { Connector } from '@bk/core';

/** Runs a dump to the end and returns its bytes; rejects like the dump's `done`. */
export async function dumpToBuffer(connector: Connector, signal?: AbortSignal): Promise<Buffer> {
  const handle = connector.dump({ signal });
  const chunks: Buffer[] = [];
  const read = (async () => {
    for await (const chunk of handle.stream) chunks.push(chunk as Buffer);
  })();
  // `done` carries the connector's own error; the stream fails with it or with a rawer one.
  const [reading, dumping] = await Promise.allSettled([read, handle.done]);
  if (dumping.status === 'rejected') throw dumping.reason;
  if (reading.status === 'rejected') throw reading.reason;
  return Buffer.concat(chunks);
}

/**
 * A stream that delivers the first `bytes` of `data` in 64 KiB chunks and then stalls forever
 * (never ends), or fails with `failWith` once they are delivered. `delivered` resolves when the
 * first `bytes` have been read.
 */
export function partialStream(
  data: Buffer,
  bytes: number,
  failWith?: Error,
): { stream: Readable; delivered: Promise<void> } {
  let offset = 0;
  let markDelivered: () => void = () => {};
  const delivered = new Promise<void>((resolve) => {
    markDelivered = resolve;
  });
  const stream = new Readable({
    read() {
      if (offset >= bytes) return;
      const end = Math.min(offset + 65_536, bytes);
      const chunk = data.subarray(offset, end);
      offset = end;
      this.push(chunk);
      if (offset >= bytes) {
        markDelivered();
        if (failWith) setTimeout(() => this.destroy(failWith), 50);
      }
    },
  });
  return { stream, delivered };
}

/** Bytes no connector can restore: text that is not SQL, an archive or JSON, and some binary noise. */
export function garbage(): Buffer {
  const noise = Buffer.alloc(4096);
  for (let index = 0; index < noise.length; index += 1) noise[index] = (index * 7919 + 13) % 251;
  return Buffer.concat([Buffer.from('This is not a backup; it is garbage.\n'.repeat(20)), noise]);
}
