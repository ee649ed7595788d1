import type { Readable } from 'node:stream';

/** Keeps the last `limit` bytes written to a stream (a tool's stderr) for error messages. */
export class StderrTail {
  #chunks: Buffer[] = [];
  #size = 0;
  readonly #limit: number;

  constructor(limit = 8192) {
    this.#limit = limit;
  }

  /** Starts collecting from `stream`. */
  attach(stream: Readable | null | undefined): this {
    stream?.on('data', (chunk: Buffer) => this.push(chunk));
    return this;
  }

  /** Adds a chunk, dropping the oldest bytes past the limit. */
  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#size - (this.#chunks[0]?.length ?? 0) >= this.#limit && this.#chunks.length > 1) {
      this.#size -= this.#chunks.shift()!.length;
    }
  }

  /** The collected text (last `limit` bytes). */
  toString(): string {
    const all = Buffer.concat(this.#chunks);
    return all.subarray(Math.max(0, all.length - this.#limit)).toString('utf8');
  }
}
