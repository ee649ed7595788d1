import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

/** A fresh directory under the OS temp dir, removed by `await using`. */
export async function tempDir(prefix = 'bk-rclone-'): Promise<{ path: string } & AsyncDisposable> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

/**
 * A stream of `total` pseudo-random bytes in 1 MiB chunks, with its sha256 computed as it goes.
 * `failAfter` makes it fail with `failure` once that many bytes were produced.
 */
export function randomStream(
  total: number,
  options: { failAfter?: number; failure?: Error; delayMs?: number } = {},
): { stream: Readable; sha256: () => string; produced: () => number } {
  const hash = createHash('sha256');
  let produced = 0;
  // An odd chunk size, so chunk ends never fall on a 64 KiB (crypt block) boundary.
  const seed = randomBytes(1024 * 1024 + 7);
  const stream = new Readable({
    read() {
      const produce = () => {
        if (options.failAfter !== undefined && produced >= options.failAfter) {
          this.destroy(options.failure ?? new Error('producer failed'));
          return;
        }
        if (produced >= total) {
          this.push(null);
          return;
        }
        const limit = Math.min(total, options.failAfter ?? total);
        const size = Math.min(seed.length, limit - produced);
        // Vary every chunk so a duplicated or dropped chunk changes the hash.
        const chunk = Buffer.from(seed.subarray(0, size));
        chunk.writeUInt32LE(produced >>> 0, 0);
        produced += size;
        hash.update(chunk);
        this.push(chunk);
      };
      if (options.delayMs) setTimeout(produce, options.delayMs);
      else produce();
    },
  });
  return { stream, sha256: () => hash.digest('hex'), produced: () => produced };
}

/** sha256 and size of everything a stream yields. */
export async function digest(stream: AsyncIterable<Buffer>): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Command lines of live processes whose argv contains `needle` (zombies have no cmdline). */
export async function processesMentioning(needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0').join(' ');
      if (cmdline.includes(needle)) found.push(`${entry}: ${cmdline}`);
    } catch {
      // The process exited while we looked.
    }
  }
  return found;
}

/** Waits until `check` returns true, or throws after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
