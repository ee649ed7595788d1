import { type RowCounter, type ScannedStatement, type SqlDialect, SqlStatementScanner } from '@bk/core';

/**
 * How the mysql/mariadb client reads a dump: backslash escapes in strings, `#` comments,
 * `DELIMITER` lines (routines and triggers), no `[…]` identifiers.
 */
export const MYSQL_DIALECT: SqlDialect = {
  backslashEscapes: true,
  hashComments: true,
  bracketIdentifiers: false,
  delimiterCommand: true,
  triggerBodies: false,
};

const NAME = '`(?:[^`]|``)*`|[\\w$\\u0080-\\uffff]+';
const INSERT = new RegExp(
  `^(?:INSERT(?:\\s+(?:IGNORE|DELAYED|LOW_PRIORITY|HIGH_PRIORITY))*|REPLACE(?:\\s+(?:DELAYED|LOW_PRIORITY))*)\\s+(?:INTO\\s+)?(${NAME})\\s*(\\()?`,
  'i',
);
const CREATE = new RegExp(`^CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(${NAME})`, 'i');

/** The table name as the server reports it: backticks removed, doubled backticks undone. */
export function unquoteMysqlName(quoted: string): string {
  return quoted.startsWith('`') ? quoted.slice(1, -1).replaceAll('``', '`') : quoted;
}

/**
 * Counts the rows of each table in a `mysqldump`/`mariadb-dump` stream: the tuples of every
 * `INSERT INTO … VALUES (…),(…);` (also `INSERT IGNORE` and `REPLACE`, with or without a column
 * list), and 0 for every table created without rows. `CREATE TABLE` inside version comments
 * (`/*!50001 …*\/`, the placeholders of views) is not a table, and statements inside routine and
 * trigger bodies are not rows.
 */
export class MysqlDumpRowCounter implements RowCounter {
  readonly #counts = new Map<string, number>();
  #unreadable = false;
  /** The head of the last row statement and the table it adds to: rows of one table repeat it. */
  #lastHead: Buffer = Buffer.alloc(0);
  #lastTable: string | undefined;
  #lastColumnList = 0;
  readonly #scanner = new SqlStatementScanner(MYSQL_DIALECT, (statement) => this.#statement(statement));

  /** Scans the next chunk of the dump. */
  write(chunk: Buffer): void {
    this.#scanner.write(chunk);
  }

  /** Rows per table; `undefined` when a statement could not be read. */
  async end(): Promise<Record<string, number> | undefined> {
    this.#scanner.end();
    if (this.#unreadable || !this.#scanner.atBoundary) return undefined;
    return Object.fromEntries([...this.#counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  #statement({ head: bytes, whole, groups }: ScannedStatement): void {
    if (this.#lastTable !== undefined && bytes.equals(this.#lastHead)) {
      this.#add(this.#lastTable, groups - this.#lastColumnList);
      return;
    }
    const head = bytes.toString('utf8');
    const first = head.charCodeAt(0) | 0x20;
    if (first === 0x69 || first === 0x72) {
      const insert = INSERT.exec(head);
      if (insert) {
        this.#lastTable = unquoteMysqlName(insert[1]!);
        this.#lastColumnList = insert[2] ? 1 : 0;
        this.#lastHead = Buffer.from(bytes);
        this.#add(this.#lastTable, groups - this.#lastColumnList);
        return;
      }
      if (!whole && /^(?:INSERT|REPLACE)\s/i.test(head)) this.#unreadable = true;
    } else if (first === 0x63) {
      const create = CREATE.exec(head);
      if (create) {
        this.#add(unquoteMysqlName(create[1]!), 0);
        return;
      }
      if (!whole && /^CREATE\s+TABLE\s/i.test(head)) this.#unreadable = true;
    }
  }

  #add(name: string, rows: number): void {
    this.#counts.set(name, (this.#counts.get(name) ?? 0) + rows);
  }
}
