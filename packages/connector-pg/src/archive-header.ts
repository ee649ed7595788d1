/** The archive versions this reader knows: 1.12 (PostgreSQL 9.6) to 1.16 (PostgreSQL 17). */
const OLDEST = 0x010c00;
const NEWEST = 0x011000;

/** How the table data of an archive is compressed. */
export type ArchiveCompression = 'none' | 'gzip' | 'lz4' | 'zstd';

/** One entry of an archive's table of contents: what the row counter needs of it. */
export interface ArchiveTocEntry {
  dumpId: number;
  desc: string;
  namespace: string;
  tag: string;
}

/** The header and table of contents of a custom-format archive (`pg_dump -Fc`). */
export interface ArchiveHeader {
  version: number;
  intSize: number;
  offSize: number;
  compression: ArchiveCompression;
  entries: ArchiveTocEntry[];
  /** Where the data blocks start. */
  end: number;
}

/** Thrown when the bytes so far end before the header does. */
export class NeedMoreBytes extends Error {}

/** Thrown when the bytes are not a custom-format archive this reader knows. */
export class NotAnArchive extends Error {}

/** Reads integers and strings as pg_dump writes them (sign byte, then little-endian bytes). */
class Cursor {
  offset = 0;
  intSize = 4;
  constructor(readonly bytes: Buffer) {}

  byte(): number {
    if (this.offset >= this.bytes.length) throw new NeedMoreBytes();
    return this.bytes[this.offset++]!;
  }

  int(): number {
    const sign = this.byte();
    let value = 0;
    for (let index = 0; index < this.intSize; index += 1) value += this.byte() * 2 ** (8 * index);
    return sign ? -value : value;
  }

  string(): string | null {
    const length = this.int();
    if (length < 0) return null;
    if (this.offset + length > this.bytes.length) throw new NeedMoreBytes();
    const text = this.bytes.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return text;
  }

  skip(bytes: number): void {
    if (this.offset + bytes > this.bytes.length) throw new NeedMoreBytes();
    this.offset += bytes;
  }
}

const ALGORITHMS: Record<number, ArchiveCompression> = { 0: 'none', 1: 'gzip', 2: 'lz4', 3: 'zstd' };

/**
 * Parses the header and table of contents at the start of a custom-format archive, as
 * `ReadHead` and `ReadToc` of pg_dump's `pg_backup_archiver.c` read them.
 *
 * @throws {@link NeedMoreBytes} when `bytes` ends before the table of contents does
 * @throws {@link NotAnArchive} when the bytes are not a custom-format archive of a known version
 */
export function parseArchiveHeader(bytes: Buffer): ArchiveHeader {
  const cursor = new Cursor(bytes);
  cursor.skip(5);
  if (bytes.toString('latin1', 0, 5) !== 'PGDMP') throw new NotAnArchive('no PGDMP signature');
  const version = (cursor.byte() << 16) | (cursor.byte() << 8) | cursor.byte();
  if (version < OLDEST || version > NEWEST) {
    throw new NotAnArchive(`archive version ${version.toString(16)} is not one this reader knows`);
  }
  cursor.intSize = cursor.byte();
  const offSize = cursor.byte();
  if (cursor.intSize < 1 || cursor.intSize > 8 || offSize < 1 || offSize > 8) {
    throw new NotAnArchive('bad integer sizes');
  }
  if (cursor.byte() !== 1) throw new NotAnArchive('not the custom format');
  let compression: ArchiveCompression;
  if (version >= 0x010f00) {
    const algorithm = ALGORITHMS[cursor.byte()];
    if (algorithm === undefined) throw new NotAnArchive('unknown compression');
    compression = algorithm;
  } else {
    compression = cursor.int() === 0 ? 'none' : 'gzip';
  }
  for (let field = 0; field < 7; field += 1) cursor.int(); // creation time
  cursor.string(); // database name
  cursor.string(); // server version
  cursor.string(); // pg_dump version
  const count = cursor.int();
  if (count < 0) throw new NotAnArchive('bad entry count');
  const entries: ArchiveTocEntry[] = [];
  for (let index = 0; index < count; index += 1) {
    const dumpId = cursor.int();
    if (dumpId <= 0) throw new NotAnArchive(`entry ID ${dumpId} out of range`);
    cursor.int(); // had a dumper
    cursor.string(); // table oid
    cursor.string(); // oid
    const tag = cursor.string() ?? '';
    const desc = cursor.string() ?? '';
    cursor.int(); // section
    cursor.string(); // definition
    cursor.string(); // drop statement
    cursor.string(); // copy statement
    const namespace = cursor.string() ?? '';
    cursor.string(); // tablespace
    if (version >= 0x010e00) cursor.string(); // table access method
    if (version >= 0x011000) cursor.int(); // relkind
    cursor.string(); // owner
    cursor.string(); // "false" (WITH OIDS, no longer supported)
    while (cursor.string() !== null); // dependencies
    cursor.byte(); // data state
    cursor.skip(offSize); // data offset
    entries.push({ dumpId, desc, namespace, tag });
  }
  return { version, intSize: cursor.intSize, offSize, compression, entries, end: cursor.offset };
}
