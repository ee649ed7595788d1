/** The magic number that starts every `mongodump --archive` stream (little-endian 0x8199e26d). */
export const ARCHIVE_MAGIC = Buffer.from([0x6d, 0xe2, 0x99, 0x81]);
/** The first bytes of a gzip stream (`mongodump --archive --gzip`). */
export const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

const TERMINATOR = 0xffffffff;

/** What the prelude of an archive says. */
export interface ArchivePrelude {
  /** `server_version` of the archive header: the version of the server that was dumped. */
  serverVersion: string | undefined;
  /** `tool_version` of the archive header. */
  toolVersion: string | undefined;
  /** Number of collection metadata documents before the prelude's terminator. */
  collections: number;
}

/** Reads the string fields of one BSON document (the archive header holds only flat fields). */
function readStrings(document: Buffer): Record<string, string> {
  const fields: Record<string, string> = {};
  let offset = 4;
  while (offset < document.length - 1) {
    const type = document[offset]!;
    const nameEnd = document.indexOf(0, offset + 1);
    if (type === 0 || nameEnd < 0) break;
    const name = document.toString('utf8', offset + 1, nameEnd);
    offset = nameEnd + 1;
    if (type === 0x02) {
      const length = document.readInt32LE(offset);
      fields[name] = document.toString('utf8', offset + 4, offset + 4 + length - 1);
      offset += 4 + length;
    } else if (type === 0x10) offset += 4;
    else if (type === 0x12 || type === 0x01 || type === 0x09 || type === 0x11) offset += 8;
    else if (type === 0x08) offset += 1;
    else if (type === 0x03 || type === 0x04) offset += document.readInt32LE(offset);
    else break;
  }
  return fields;
}

/**
 * Incremental reader of an archive's prelude (magic number, header document, one metadata document
 * per collection, terminator), as specified in mongo-tools' `common/archive/spec.md`. Feed it the
 * uncompressed archive bytes with {@link PreludeReader.push} until {@link PreludeReader.prelude} is set.
 */
export class PreludeReader {
  #buffer: Buffer = Buffer.alloc(0);
  #offset = 0;
  #header: Record<string, string> | undefined;
  #collections = 0;
  /** Set once the whole prelude was read. */
  prelude: ArchivePrelude | undefined;
  /** Set when the bytes are not an archive. */
  invalid: string | undefined;

  /** Adds bytes; returns true once the prelude is complete or known to be invalid. */
  push(chunk: Buffer): boolean {
    if (this.prelude || this.invalid) return true;
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    if (this.#offset === 0) {
      if (this.#buffer.length < 4) return false;
      if (!this.#buffer.subarray(0, 4).equals(ARCHIVE_MAGIC)) {
        this.invalid = 'the stream does not start with the mongodump archive magic number';
        return true;
      }
      this.#offset = 4;
    }
    while (this.#buffer.length - this.#offset >= 4) {
      const length = this.#buffer.readUInt32LE(this.#offset);
      if (length === TERMINATOR) {
        this.prelude = {
          serverVersion: this.#header?.server_version,
          toolVersion: this.#header?.tool_version,
          collections: this.#collections,
        };
        this.#buffer = Buffer.alloc(0);
        return true;
      }
      if (length < 5 || length > 16 * 1024 * 1024) {
        this.invalid = `the archive prelude has a document of impossible size ${length}`;
        return true;
      }
      if (this.#buffer.length - this.#offset < length) return false;
      const document = this.#buffer.subarray(this.#offset, this.#offset + length);
      if (this.#header === undefined) this.#header = readStrings(document);
      else this.#collections += 1;
      this.#offset += length;
    }
    return false;
  }
}

/** Parses the prelude of a complete (small) archive held in memory. */
export function readPrelude(archive: Buffer): ArchivePrelude | undefined {
  const reader = new PreludeReader();
  reader.push(archive);
  return reader.prelude;
}
