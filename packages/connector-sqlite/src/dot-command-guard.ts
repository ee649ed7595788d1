import { Transform, type TransformCallback } from 'node:stream';
import { SqliteRestoreError } from './sqlite-restore-error.js';

const NEWLINE = 0x0a;
const DOT = 0x2e;
/** Bytes that may precede a dot-command on its line: space, tab, CR, vertical tab, form feed. */
const BLANKS = new Set([0x20, 0x09, 0x0d, 0x0b, 0x0c]);

/**
 * Passes a restore's input through to sqlite3 and refuses it at the first line whose first
 * non-blank character is `.`, before sqlite3 sees that line. The sqlite3 shell reads such a line
 * as a dot-command, and `-safe` does not block all of them (`.trace FILE` truncates and writes any
 * file the restoring user can write, in sqlite3 3.40). `.dump` never writes a dot-command, and the
 * text it writes never puts a `.` at a line start except inside verbatim schema SQL split over
 * lines, which is refused too (fails safe: nothing is changed). Streams with constant memory.
 */
export class DotCommandGuard extends Transform {
  readonly #target: string;
  /** Only blanks since the last newline (or the start). */
  #atLineStart = true;
  #line = 1;

  /** @param target the database file being restored, for the error message */
  constructor(target: string) {
    super();
    this.#target = target;
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
        callback(
          new SqliteRestoreError(
            this.#target,
            `line ${this.#line} starts with "." (a sqlite3 dot-command, which could read or write files on this machine): a .dump never holds one, so the backup is not a .dump; refused before sqlite3 read it`,
          ),
        );
        return;
      } else if (byte !== undefined && !BLANKS.has(byte)) {
        this.#atLineStart = false;
      }
    }
    callback(null, chunk);
  }
}
