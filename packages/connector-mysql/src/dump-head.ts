/**
 * Lines of a mysqldump that change nothing in the target: blank lines, `--` comments, version
 * comments (`/*!40101 SET ... *\/;`, MariaDB's `/*M!999999\- enable the sandbox mode *\/`) and
 * session `SET` statements. A dump holding only these is a header.
 */
const INERT_LINES = [/^$/, /^--/, /^\/\*.*\*\/;?$/, /^SET\s/i];

/** The last line mysqldump writes (unless `--skip-comments` or `--compact`). */
const COMPLETED = /^-- Dump completed/m;

function isInert(line: string): boolean {
  const trimmed = line.trim();
  return INERT_LINES.some((pattern) => pattern.test(trimmed));
}

/**
 * Whether the start of a dump already holds a statement that does something (`CREATE`, `DROP`,
 * `INSERT`...). Only whole lines count, unless `complete` (the bytes are the whole dump).
 */
export function hasStatement(bytes: Buffer, complete = false): boolean {
  const lines = bytes.toString('utf8').split('\n');
  if (!complete) lines.pop();
  return lines.some((line) => !isInert(line));
}

/**
 * Why a whole dump (`bytes`, read to its end) holds no database, or `undefined` when it does: it is
 * 0 bytes, or it is a header with no statement and without mysqldump's completion line. A complete
 * dump of an empty database (header and `-- Dump completed`, nothing between) is a database.
 */
export function emptyDumpReason(bytes: Buffer): string | undefined {
  if (bytes.length === 0) return '0 bytes';
  if (hasStatement(bytes, true) || COMPLETED.test(bytes.toString('utf8'))) return undefined;
  return `${bytes.length} bytes of mysqldump header and no statement`;
}
