import { type RowCounter, type ScannedStatement, type SqlDialect, SqlStatementScanner } from '@bk/core';

/** How the `sqlite3` shell reads a `.dump`: standard quotes, `[…]` identifiers, trigger bodies. */
export const SQLITE_DIALECT: SqlDialect = {
  backslashEscapes: false,
  hashComments: false,
  bracketIdentifiers: true,
  delimiterCommand: false,
  triggerBodies: true,
};

const NAME = '"(?:[^"]|"")*"|\'(?:[^\']|\'\')*\'|\\[[^\\]]*\\]|`(?:[^`]|``)*`|[^\\s(.;"\'`\\[]+';
const INSERT = new RegExp(String.raw`^INSERT\s+INTO\s+(${NAME})\s*(?:\(|VALUES\b)`, 'i');
const CREATE = new RegExp(String.raw`^CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(${NAME})`, 'i');

/** The table name as `sqlite_schema.name` holds it: quotes removed, doubled quotes undone. */
export function unquoteSqliteName(quoted: string): string {
  const first = quoted[0];
  if (first === '"' || first === "'" || first === '`') {
    return quoted.slice(1, -1).replaceAll(`${first}${first}`, first);
  }
  if (first === '[') return quoted.slice(1, -1);
  return quoted;
}

/**
 * Counts the rows of each table in a `sqlite3 .dump` stream: one `INSERT INTO` statement per row,
 * and 0 for every table created without rows. Internal tables (`sqlite_*`, written by `.dump` for
 * `sqlite_sequence`, `sqlite_stat1` and virtual tables) are left out, as `rowCounts()` leaves them out.
 */
export class SqliteDumpRowCounter implements RowCounter {
  readonly #counts = new Map<string, number>();
  #unreadable = false;
  /** The head of the last row statement and the table it adds to: rows of one table repeat it. */
  #lastHead: Buffer = Buffer.alloc(0);
  #lastTable: string | undefined;
  readonly #scanner = new SqlStatementScanner(SQLITE_DIALECT, (statement) => this.#statement(statement));

  /** Scans the next chunk of the dump. */
  write(chunk: Buffer): void {
    this.#scanner.write(chunk);
  }

  /** Rows per table; `undefined` when a statement could not be read (a table name longer than the head). */
  async end(): Promise<Record<string, number> | undefined> {
    this.#scanner.end();
    if (this.#unreadable || !this.#scanner.atBoundary) return undefined;
    return Object.fromEntries([...this.#counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  #statement({ head: bytes, whole }: ScannedStatement): void {
    if (this.#lastTable !== undefined && bytes.equals(this.#lastHead)) {
      this.#counts.set(this.#lastTable, this.#counts.get(this.#lastTable)! + 1);
      return;
    }
    const head = bytes.toString('utf8');
    const first = head.charCodeAt(0) | 0x20;
    if (first === 0x69) {
      const insert = INSERT.exec(head);
      if (insert) {
        const table = this.#add(insert[1]!, 1);
        this.#lastHead = Buffer.from(bytes);
        this.#lastTable = table;
        return;
      }
      if (!whole && /^INSERT\s/i.test(head)) this.#unreadable = true;
    } else if (first === 0x63) {
      const create = CREATE.exec(head);
      if (create) {
        this.#add(create[1]!, 0);
        return;
      }
      if (!whole && /^CREATE\s+TABLE\s/i.test(head)) this.#unreadable = true;
    }
  }

  /** Adds rows to a table; returns the table, `undefined` for an internal one (not counted). */
  #add(quoted: string, rows: number): string | undefined {
    const name = unquoteSqliteName(quoted);
    if (/^sqlite_/i.test(name)) return undefined;
    this.#counts.set(name, (this.#counts.get(name) ?? 0) + rows);
    return name;
  }
}
