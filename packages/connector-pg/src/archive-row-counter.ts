import { createInflate, type Inflate } from 'node:zlib';
import type { RowCounter } from '@bk/core';
import { type ArchiveHeader, NeedMoreBytes, parseArchiveHeader } from './archive-header.js';

/** Block types of the data part of a custom-format archive. */
const BLOCK_DATA = 1;
const BLOCK_BLOBS = 3;

/** COPY data ends with `\.` and two empty lines in the archive: three newlines that are not rows. */
const COPY_END = Buffer.from('\\.\n\n\n');

/** Newlines in one table's COPY text, and its last bytes (to recognise the end marker). */
class LineCount {
  lines = 0;
  tail: Buffer = Buffer.alloc(0);

  add(bytes: Buffer): void {
    for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) this.lines += 1;
    this.tail =
      bytes.length >= COPY_END.length
        ? bytes.subarray(-COPY_END.length)
        : Buffer.concat([this.tail, bytes]).subarray(-COPY_END.length);
  }

  get rows(): number {
    return this.tail.equals(COPY_END) ? this.lines - 3 : this.lines;
  }
}

/** One table's data block being counted: directly, or through zlib off the main thread. */
class TableData {
  readonly count = new LineCount();
  readonly #inflate: Inflate | undefined;
  readonly done: Promise<void>;

  constructor(compressed: boolean) {
    if (!compressed) {
      this.done = Promise.resolve();
      return;
    }
    const inflate = createInflate();
    this.#inflate = inflate;
    inflate.on('data', (chunk: Buffer) => this.count.add(chunk));
    this.done = new Promise((resolve, reject) => {
      inflate.once('end', resolve);
      inflate.once('error', reject);
    });
    // A block abandoned mid-way (a failed dump) must not become an unhandled rejection.
    this.done.catch(() => {});
  }

  write(bytes: Buffer): void {
    if (this.#inflate) this.#inflate.write(bytes);
    else this.count.add(bytes);
  }

  end(): void {
    this.#inflate?.end();
  }
}

/**
 * Counts the rows of each table in a `pg_dump --format=custom` stream: reads the table of contents
 * (every `TABLE` counts, 0 when it has no data), then each `TABLE DATA` block, inflating gzip
 * blocks in zlib's thread pool and counting the lines of its COPY text. Keys are `schema.table`,
 * as `rowCounts()` gives them; rows of a partitioned or inheritance parent are those it holds itself.
 * Memory: the table of contents, and what zlib has not inflated yet.
 */
export class ArchiveRowCounter implements RowCounter {
  #prefix: Buffer[] = [];
  #prefixLength = 0;
  #nextAttempt = 64 * 1024;
  #header: ArchiveHeader | undefined;
  #failed = false;
  readonly #tables = new Map<number, string>();
  readonly #counts = new Map<string, number>();
  readonly #pending: Promise<void>[] = [];
  /** Bytes of the integer or block byte being read, across chunk boundaries. */
  #scratch: number[] = [];
  #step: 'block' | 'dumpId' | 'length' | 'payload' | 'blobOid' | 'blobLength' | 'blobPayload' = 'block';
  #blockType = 0;
  #remaining = 0;
  #table: { key: string; data: TableData } | undefined;

  /** Feeds the next chunk of the archive. */
  write(chunk: Buffer): void {
    if (this.#failed) return;
    try {
      if (this.#header) {
        this.#data(chunk, 0);
        return;
      }
      this.#prefix.push(Buffer.from(chunk));
      this.#prefixLength += chunk.length;
      if (this.#prefixLength >= this.#nextAttempt) this.#tryHeader(false);
    } catch {
      this.#fail();
    }
  }

  /** Rows per table; `undefined` when the stream was not an archive this counter can read. */
  async end(): Promise<Record<string, number> | undefined> {
    try {
      if (!this.#header && !this.#failed) this.#tryHeader(true);
    } catch {
      this.#fail();
    }
    if (this.#failed || this.#step !== 'block' || this.#scratch.length > 0) {
      this.#fail();
      return undefined;
    }
    try {
      await Promise.all(this.#pending);
    } catch {
      return undefined;
    }
    return Object.fromEntries([...this.#counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  #fail(): void {
    this.#failed = true;
    this.#table?.data.end();
    this.#table = undefined;
    this.#prefix = [];
  }

  #tryHeader(last: boolean): void {
    const bytes = Buffer.concat(this.#prefix);
    this.#prefix = [bytes];
    let header: ArchiveHeader;
    try {
      header = parseArchiveHeader(bytes);
    } catch (error) {
      if (error instanceof NeedMoreBytes && !last) {
        this.#nextAttempt = bytes.length * 2;
        return;
      }
      throw error;
    }
    if (header.compression !== 'none' && header.compression !== 'gzip')
      throw new Error('unsupported compression');
    this.#header = header;
    for (const entry of header.entries) {
      if (entry.desc === 'TABLE') this.#counts.set(`${entry.namespace}.${entry.tag}`, 0);
    }
    for (const entry of header.entries) {
      const key = `${entry.namespace}.${entry.tag}`;
      if (entry.desc === 'TABLE DATA' && this.#counts.has(key)) this.#tables.set(entry.dumpId, key);
    }
    this.#prefix = [];
    this.#data(bytes, header.end);
  }

  /** Reads an integer across chunks: `undefined` until all its bytes are there. */
  #int(chunk: Buffer, at: { offset: number }): number | undefined {
    const size = this.#header!.intSize + 1;
    while (this.#scratch.length < size && at.offset < chunk.length) this.#scratch.push(chunk[at.offset++]!);
    if (this.#scratch.length < size) return undefined;
    const [sign, ...bytes] = this.#scratch;
    this.#scratch = [];
    const value = bytes.reduce((sum, byte, index) => sum + byte * 2 ** (8 * index), 0);
    return sign ? -value : value;
  }

  #data(chunk: Buffer, start: number): void {
    const at = { offset: start };
    while (at.offset < chunk.length) {
      switch (this.#step) {
        case 'block': {
          this.#blockType = chunk[at.offset++]!;
          if (this.#blockType !== BLOCK_DATA && this.#blockType !== BLOCK_BLOBS) throw new Error('bad block');
          this.#step = 'dumpId';
          break;
        }
        case 'dumpId': {
          const dumpId = this.#int(chunk, at);
          if (dumpId === undefined) return;
          if (this.#blockType === BLOCK_DATA) {
            const key = this.#tables.get(dumpId);
            // Data of a table the archive does not create (an extension's configuration table)
            // is skipped, as rowCounts() leaves those tables out.
            this.#table =
              key === undefined
                ? undefined
                : { key, data: new TableData(this.#header!.compression === 'gzip') };
            this.#step = 'length';
          } else {
            this.#step = 'blobOid';
          }
          break;
        }
        case 'length':
        case 'blobLength': {
          const length = this.#int(chunk, at);
          if (length === undefined) return;
          if (length < 0) throw new Error('bad length');
          if (length > 0) {
            this.#remaining = length;
            this.#step = this.#step === 'length' ? 'payload' : 'blobPayload';
          } else if (this.#step === 'length') {
            this.#closeTable();
            this.#step = 'block';
          } else {
            this.#step = 'blobOid';
          }
          break;
        }
        case 'payload':
        case 'blobPayload': {
          const take = Math.min(this.#remaining, chunk.length - at.offset);
          if (this.#step === 'payload' && this.#table) {
            this.#table.data.write(chunk.subarray(at.offset, at.offset + take));
          }
          at.offset += take;
          this.#remaining -= take;
          if (this.#remaining === 0) this.#step = this.#step === 'payload' ? 'length' : 'blobLength';
          break;
        }
        case 'blobOid': {
          const oid = this.#int(chunk, at);
          if (oid === undefined) return;
          this.#step = oid === 0 ? 'block' : 'blobLength';
          break;
        }
      }
    }
  }

  #closeTable(): void {
    const table = this.#table;
    this.#table = undefined;
    if (!table) return;
    table.data.end();
    const { key } = table;
    this.#pending.push(
      table.data.done.then(() => {
        this.#counts.set(key, (this.#counts.get(key) ?? 0) + table.data.count.rows);
      }),
    );
  }
}
