/** How a {@link SqlStatementScanner} reads one engine's SQL dump text. */
export interface SqlDialect {
  /** A backslash escapes the next byte inside `'…'` and `"…"` (MySQL, MariaDB). */
  backslashEscapes: boolean;
  /** `#` starts a comment to the end of the line (MySQL, MariaDB). */
  hashComments: boolean;
  /** `[…]` quotes an identifier (SQLite). */
  bracketIdentifiers: boolean;
  /** The client understands `DELIMITER xx` lines that change the statement terminator (mysql, mariadb). */
  delimiterCommand: boolean;
  /** `CREATE TRIGGER … BEGIN …; …; END;` is one statement: its body's `;` end nothing (SQLite). */
  triggerBodies: boolean;
}

/** One statement, as {@link SqlStatementScanner} reports it. */
export interface ScannedStatement {
  /**
   * The statement's first bytes, without the whitespace and comments before it: up to and
   * including its first top-level `(` (or the whole statement when it has none), at most the
   * scanner's `headLimit`. Enough to read its verb, the table it names and whether a column list
   * follows. A view into the scanner's buffer: valid only during the callback.
   */
  head: Buffer;
  /** Whether `head` is complete (it was not cut at `headLimit`). */
  whole: boolean;
  /** Parenthesised groups at the top level outside quotes and comments: the tuples of an `INSERT … VALUES (…),(…)`. */
  groups: number;
}

const NORMAL = 0;
const SINGLE = 1;
const DOUBLE = 2;
const BACKTICK = 3;
const BRACKET = 4;
const LINE_COMMENT = 5;
const BLOCK_COMMENT = 6;

const QUOTE = 0x27;
const DOUBLE_QUOTE = 0x22;
const TICK = 0x60;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const BACKSLASH = 0x5c;
const DASH = 0x2d;
const SLASH = 0x2f;
const STAR = 0x2a;
const HASH = 0x23;
const OPEN = 0x28;
const CLOSE = 0x29;
const NEWLINE = 0x0a;
const END = 'end';

function isSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

function isWordByte(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    (byte >= 0x30 && byte <= 0x39) ||
    byte === 0x5f ||
    byte >= 0x80
  );
}

/**
 * Splits SQL dump text into statements as it streams by, chunk after chunk, and reports each one's
 * head and its count of top-level parenthesised groups. It follows quotes (`'…'`, `"…"`, `` `…` ``,
 * and per dialect `[…]` and backslash escapes), comments (`--`, `/* … *\/`, `#`), the mysql
 * client's `DELIMITER` command and SQLite trigger bodies, so a `;`, a newline or a whole
 * `INSERT INTO` inside a string never splits or starts a statement. Memory is bounded by
 * `headLimit` whatever the dump holds; one pass, no copies of the input.
 */
export class SqlStatementScanner {
  readonly #dialect: SqlDialect;
  readonly #onStatement: (statement: ScannedStatement) => void;
  readonly #head: Buffer;
  #headLength = 0;
  #cut = false;
  /** The head is complete: it reached the first top-level `(`. */
  #headDone = false;
  /** The statement starts with `C`: it may be a `CREATE TRIGGER`, whose words are tracked. */
  #maybeTrigger = false;
  /** Bytes that need attention outside quotes once the head is complete; the rest are skipped. */
  readonly #special: Uint8Array;
  #state = NORMAL;
  /** A `-`, `/` (or `*` in a block comment) that may start (or end) a comment with the next byte. */
  #pending = 0;
  #escaped = false;
  #started = false;
  #depth = 0;
  #groups = 0;
  #delimiter: Buffer = Buffer.from(';');
  #matched = 0;
  /** Letters of the current word that match `end` so far (-1: it is not `end`). */
  #wordEnd = 0;
  #lastWordEnd = false;
  #trigger: boolean | undefined;

  /**
   * @param dialect how the engine quotes, comments and terminates statements
   * @param onStatement called once per complete statement, in order
   * @param headLimit bytes of each statement kept for `head` (default 4096)
   */
  constructor(dialect: SqlDialect, onStatement: (statement: ScannedStatement) => void, headLimit = 4096) {
    this.#dialect = dialect;
    this.#onStatement = onStatement;
    this.#head = Buffer.alloc(headLimit);
    this.#special = new Uint8Array(256);
    for (const char of `'"\`()-/;\n`) this.#special[char.charCodeAt(0)] = 1;
    if (dialect.hashComments) this.#special[HASH] = 1;
    if (dialect.bracketIdentifiers) this.#special[OPEN_BRACKET] = 1;
  }

  /** Whether the text so far ended on a statement boundary, outside any quote or comment. */
  get atBoundary(): boolean {
    return this.#state === NORMAL && !this.#started && this.#pending === 0;
  }

  /** Scans the next chunk of text. */
  write(chunk: Uint8Array): void {
    const length = chunk.length;
    const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    // Where the next backslash of this chunk is (-1: none left), found once per chunk and reused.
    let backslash = this.#dialect.backslashEscapes ? -2 : -1;
    for (let index = 0; index < length; index += 1) {
      // Fast paths once the head is complete: skip to the next byte that matters.
      if (this.#headDone && this.#pending === 0) {
        const state = this.#state;
        if ((state === SINGLE || state === DOUBLE) && !this.#escaped) {
          let next = buffer.indexOf(state === SINGLE ? QUOTE : DOUBLE_QUOTE, index);
          if (backslash !== -1 && (backslash === -2 || backslash < index)) {
            backslash = buffer.indexOf(BACKSLASH, index);
          }
          if (backslash !== -1 && (next === -1 || backslash < next)) next = backslash;
          if (next === -1) return;
          index = next;
        } else if (state === NORMAL && !this.#maybeTrigger) {
          while (index < length && this.#special[chunk[index]!] === 0 && this.#matched === 0) index += 1;
          if (index === length) return;
        }
      }
      const byte = chunk[index]!;
      switch (this.#state) {
        case NORMAL:
          this.#normal(byte);
          break;
        case SINGLE:
        case DOUBLE:
          this.#keep(byte);
          if (this.#escaped) this.#escaped = false;
          else if (byte === BACKSLASH && this.#dialect.backslashEscapes) this.#escaped = true;
          else if (byte === (this.#state === SINGLE ? QUOTE : DOUBLE_QUOTE)) this.#state = NORMAL;
          break;
        case BACKTICK:
          this.#keep(byte);
          if (byte === TICK) this.#state = NORMAL;
          break;
        case BRACKET:
          this.#keep(byte);
          if (byte === CLOSE_BRACKET) this.#state = NORMAL;
          break;
        case LINE_COMMENT:
          if (byte === NEWLINE) this.#state = NORMAL;
          break;
        case BLOCK_COMMENT:
          if (this.#pending === STAR && byte === SLASH) {
            this.#pending = 0;
            this.#state = NORMAL;
          } else {
            this.#pending = byte === STAR ? STAR : 0;
          }
          break;
      }
    }
  }

  /** Ends the text: a `-` or `/` still pending is a plain byte. */
  end(): void {
    this.#flushPending();
  }

  #flushPending(): void {
    if (this.#state !== NORMAL || this.#pending === 0) return;
    const pending = this.#pending;
    this.#pending = 0;
    this.#plain(pending);
  }

  #normal(byte: number): void {
    if (this.#pending !== 0) {
      const pending = this.#pending;
      this.#pending = 0;
      if ((pending === DASH && byte === DASH) || (pending === SLASH && byte === STAR)) {
        this.#state = pending === DASH ? LINE_COMMENT : BLOCK_COMMENT;
        this.#lastWordEnd = false;
        return;
      }
      this.#plain(pending);
    }
    if (byte === DASH || byte === SLASH) {
      this.#pending = byte;
      return;
    }
    if (byte === HASH && this.#dialect.hashComments) {
      this.#state = LINE_COMMENT;
      return;
    }
    this.#plain(byte);
  }

  /** A byte outside quotes and comments. */
  #plain(byte: number): void {
    if (!this.#started) {
      if (isSpace(byte)) return;
      this.#started = true;
      this.#trigger = undefined;
      this.#maybeTrigger = this.#dialect.triggerBodies && (byte | 0x20) === 0x63;
    }
    if (this.#maybeTrigger) this.#track(byte);
    if (byte === this.#delimiter[this.#matched]) {
      this.#matched += 1;
      if (this.#matched === this.#delimiter.length) {
        this.#matched = 0;
        if (this.#terminates()) {
          this.#finish();
          return;
        }
      }
    } else {
      this.#matched = byte === this.#delimiter[0] ? 1 : 0;
    }
    if (byte === NEWLINE && this.#dialect.delimiterCommand && this.#isDelimiterCommand()) {
      const text = this.#head.toString('utf8', 0, this.#headLength).trim();
      const delimiter = text.slice('delimiter'.length).trim();
      if (delimiter !== '') {
        this.#delimiter = Buffer.from(delimiter);
        this.#special[this.#delimiter[0]!] = 1;
      }
      this.#matched = 0;
      this.#reset();
      return;
    }
    this.#keep(byte);
    switch (byte) {
      case QUOTE:
        this.#state = SINGLE;
        break;
      case DOUBLE_QUOTE:
        this.#state = DOUBLE;
        break;
      case TICK:
        this.#state = BACKTICK;
        break;
      case OPEN_BRACKET:
        if (this.#dialect.bracketIdentifiers) this.#state = BRACKET;
        break;
      case OPEN:
        if (this.#depth === 0) this.#groups += 1;
        this.#depth += 1;
        this.#headDone = true;
        break;
      case CLOSE:
        if (this.#depth > 0) this.#depth -= 1;
        break;
    }
  }

  /** Whether the delimiter just seen ends the statement (not inside a trigger body or a DELIMITER line). */
  #terminates(): boolean {
    if (this.#dialect.delimiterCommand && this.#isDelimiterCommand()) return false;
    if (!this.#dialect.triggerBodies) return true;
    this.#trigger ??=
      (this.#head[0]! | 0x20) === 0x63 &&
      /^CREATE\s+(?:TEMP\s+|TEMPORARY\s+)?TRIGGER\b/i.test(
        this.#head.toString('latin1', 0, Math.min(this.#headLength, 64)),
      );
    return !this.#trigger || this.#lastWordEnd;
  }

  #isDelimiterCommand(): boolean {
    const word = 'delimiter';
    if (this.#headLength <= word.length) return false;
    for (let index = 0; index < word.length; index += 1) {
      if ((this.#head[index]! | 0x20) !== word.charCodeAt(index)) return false;
    }
    return isSpace(this.#head[word.length]!);
  }

  /** Remembers whether the last word before a `;` was `END` (the end of a trigger body). */
  #track(byte: number): void {
    if (isWordByte(byte)) {
      const at = this.#wordEnd;
      this.#wordEnd = at >= 0 && at < 3 && (byte | 0x20) === END.charCodeAt(at) ? at + 1 : -1;
      return;
    }
    if (this.#wordEnd !== 0) {
      this.#lastWordEnd = this.#wordEnd === 3;
      this.#wordEnd = 0;
    }
    if (!isSpace(byte) && byte !== this.#delimiter[0]) this.#lastWordEnd = false;
  }

  #keep(byte: number): void {
    if (this.#headDone) return;
    if (this.#headLength < this.#head.length) this.#head[this.#headLength++] = byte;
    else this.#cut = true;
  }

  #finish(): void {
    this.#onStatement({
      head: this.#head.subarray(0, this.#headLength),
      whole: !this.#cut,
      groups: this.#groups,
    });
    this.#reset();
  }

  #reset(): void {
    this.#started = false;
    this.#headLength = 0;
    this.#cut = false;
    this.#headDone = false;
    this.#maybeTrigger = false;
    this.#depth = 0;
    this.#groups = 0;
    this.#wordEnd = 0;
    this.#lastWordEnd = false;
  }
}
