import { Transform, type TransformCallback } from 'node:stream';

const NEWLINE = 0x0a;
const DOT = 0x2e;
/** Bytes that may precede a dot-command on its line: space, tab, CR, vertical tab, form feed. */
const BLANKS = new Set([0x20, 0x09, 0x0d, 0x0b, 0x0c]);

/**
 * Passes SQL text through and fails with `refuse(line)` at the first line whose first non-blank
 * character is `.`, before that line is passed on. The sqlite3 shell reads such a line as a
 * dot-command, and `-safe` does not block all of them (`.trace FILE` truncates and writes any file
 * the restoring user can write, in sqlite3 3.40). `.dump` never writes a dot-command, and puts a
 * line start inside a value only as `char(10)`; only schema SQL kept verbatim (a `CREATE` split
 * over lines) can start a line with `.`. Restores refuse such input (nothing changes), and dumps
 * refuse to write it, so no backup exists that a restore would refuse. Streams with constant memory.
 */
export class DotCommandGuard extends Transform {
  readonly #refuse: (line: number) => Error;
  /** Only blanks since the last newline (or the start). */
  #atLineStart = true;
  #line = 1;

  /** @param refuse the error for a dot-command found at 1-based `line` */
  constructor(refuse: (line: number) => Error) {
    super();
    this.#refuse = refuse;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    for (let index = 0; index < chunk.length; index += 1) {
      const byte = chunk[index];
      if (byte === NEWLINE) {
        this.#line += 1;
        this.#atLineStart = true;
      } else if (!this.#atLineStart) {
        const next = chunk.indexOf(NEWLINE, index);
        if (next === -1) break;
        index = next - 1;
      } else if (byte === DOT) {
        callback(this.#refuse(this.#line));
        return;
      } else if (byte !== undefined && !BLANKS.has(byte)) {
        this.#atLineStart = false;
      }
    }
    callback(null, chunk);
  }
}
