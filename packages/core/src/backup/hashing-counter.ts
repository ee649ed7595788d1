import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Progress of bytes passing through a {@link HashingCounter}. */
export interface CounterProgress {
  /** Bytes so far. */
  bytes: number;
  /** Bytes per second since the previous report. */
  speed: number;
}

/**
 * A pass-through that computes the sha256 and byte count of everything that flows through it,
 * without copying, and reports progress at most every `intervalMs`.
 */
export class HashingCounter extends Transform {
  #hash = createHash('sha256');
  #bytes = 0;
  #digest: string | undefined;
  #lastReport = { at: Date.now(), bytes: 0 };
  readonly #intervalMs: number;
  readonly #onProgress: ((progress: CounterProgress) => void) | undefined;
  readonly #tap: ((chunk: Buffer) => void) | undefined;

  /**
   * @param options.tap called with every chunk, in order, before it is passed on (a row counter)
   */
  constructor(
    options: {
      onProgress?: (progress: CounterProgress) => void;
      intervalMs?: number;
      tap?: (chunk: Buffer) => void;
    } = {},
  ) {
    super();
    this.#onProgress = options.onProgress;
    this.#tap = options.tap;
    this.#intervalMs = options.intervalMs ?? 500;
  }

  /** Bytes seen so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Hex sha256 of every byte seen; only final after the stream ended. */
  get sha256(): string {
    this.#digest ??= this.#hash.digest('hex');
    return this.#digest;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    this.#bytes += chunk.length;
    this.#tap?.(chunk);
    if (this.#onProgress) {
      const now = Date.now();
      const elapsed = now - this.#lastReport.at;
      if (elapsed >= this.#intervalMs) {
        const speed = ((this.#bytes - this.#lastReport.bytes) * 1000) / elapsed;
        this.#lastReport = { at: now, bytes: this.#bytes };
        this.#onProgress({ bytes: this.#bytes, speed });
      }
    }
    callback(null, chunk);
  }
}
