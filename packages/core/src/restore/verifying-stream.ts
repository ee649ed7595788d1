import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { IntegrityError } from '../errors/integrity-error.js';

/** Bytes held back until the whole backup is verified. @default 65536 */
export const DEFAULT_HOLD_BACK_BYTES = 64 * 1024;

/** Options of {@link VerifyingStream}. */
export interface VerifyingStreamOptions {
  /** Backup path, for the error message. */
  path: string;
  /** Size and sha256 from the manifest. */
  expected: { bytes: number; sha256: string };
  /**
   * Settles when the source has finished (the download process exited). Awaited before the
   * held-back tail is released, so a failed download never reaches the end of the stream.
   */
  sourceDone?: Promise<void>;
  /** Minimum bytes held back until verification. @default 65536 */
  holdBackBytes?: number;
  /** Called with the byte count as data passes. */
  onBytes?: (bytes: number) => void;
}

/**
 * Passes a backup's bytes through while hashing them, but always holds back the last
 * `holdBackBytes` (at least the last chunk), so the consumer (a restore tool) cannot see the end
 * of a complete archive before it is verified. It fails early when more bytes arrive than the
 * manifest says; at the source's end it checks size and sha256 (and waits for `sourceDone`): on a
 * match it releases the tail and ends, otherwise it is destroyed with an {@link IntegrityError},
 * so `spawnWriter` kills the restore tool before its stdin closes and the target stays unchanged.
 */
export class VerifyingStream extends Transform {
  readonly #options: VerifyingStreamOptions;
  readonly #hash = createHash('sha256');
  readonly #held: Buffer[] = [];
  readonly #holdBack: number;
  #heldBytes = 0;
  #bytes = 0;
  #verified = false;

  constructor(options: VerifyingStreamOptions) {
    super();
    this.#options = options;
    this.#holdBack = Math.max(1, options.holdBackBytes ?? DEFAULT_HOLD_BACK_BYTES);
  }

  /** Bytes received so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /** True once the whole backup arrived and its size and sha256 matched the manifest. */
  get verified(): boolean {
    return this.#verified;
  }

  #mismatch(actual: { bytes: number; sha256: string }): IntegrityError {
    return new IntegrityError(this.#options.path, this.#options.expected, actual);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#bytes += chunk.length;
    if (this.#bytes > this.#options.expected.bytes) {
      callback(this.#mismatch({ bytes: this.#bytes, sha256: '' }));
      return;
    }
    this.#hash.update(chunk);
    this.#options.onBytes?.(this.#bytes);
    this.#held.push(chunk);
    this.#heldBytes += chunk.length;
    // Release the oldest chunks while what stays held is still at least `holdBack` bytes.
    while (this.#held.length > 1 && this.#heldBytes - this.#held[0]!.length >= this.#holdBack) {
      const released = this.#held.shift()!;
      this.#heldBytes -= released.length;
      this.push(released);
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    const finish = () => {
      const actual = { bytes: this.#bytes, sha256: this.#hash.digest('hex') };
      const { expected } = this.#options;
      if (actual.bytes !== expected.bytes || actual.sha256 !== expected.sha256) {
        callback(this.#mismatch(actual));
        return;
      }
      this.#verified = true;
      for (const chunk of this.#held.splice(0)) this.push(chunk);
      callback();
    };
    if (!this.#options.sourceDone) {
      finish();
      return;
    }
    this.#options.sourceDone.then(finish, (error: unknown) => callback(error as Error));
  }
}
