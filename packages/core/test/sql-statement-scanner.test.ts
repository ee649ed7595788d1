import { describe, expect, it } from 'vitest';
import { type ScannedStatement, type SqlDialect, SqlStatementScanner } from '../src/index.js';

const SQLITE: SqlDialect = {
  backslashEscapes: false,
  hashComments: false,
  bracketIdentifiers: true,
  delimiterCommand: false,
  triggerBodies: true,
};
const MYSQL: SqlDialect = {
  backslashEscapes: true,
  hashComments: true,
  bracketIdentifiers: false,
  delimiterCommand: true,
  triggerBodies: false,
};

/** Scans `text` whole and byte by byte; both must give the same statements. */
function scan(dialect: SqlDialect, text: string, headLimit?: number): ScannedStatement[] {
  const runs = [[Buffer.from(text)], [...Buffer.from(text)].map((byte) => Buffer.of(byte))].map((chunks) => {
    const statements: ScannedStatement[] = [];
    const scanner = new SqlStatementScanner(
      dialect,
      (statement) => statements.push({ ...statement, head: Buffer.from(statement.head) }),
      headLimit,
    );
    for (const chunk of chunks) scanner.write(chunk);
    scanner.end();
    return statements;
  });
  expect(runs[1]).toEqual(runs[0]);
  return runs[0]!;
}

describe('SqlStatementScanner', () => {
  it('keeps newlines, semicolons and statements inside quotes and comments in one statement', () => {
    const text = `-- a comment; INSERT INTO x VALUES(1);
INSERT INTO "t;" VALUES('two
lines; INSERT INTO t VALUES(2);', "x;y", [a;b], \`c;d\`);
/* block; INSERT INTO t VALUES(3); */ INSERT INTO t VALUES('''; INSERT INTO t VALUES(4);');
`;
    const statements = scan(SQLITE, text);
    expect(statements.map((statement) => statement.head.toString().slice(0, 16))).toEqual([
      'INSERT INTO "t;"',
      'INSERT INTO t VA',
    ]);
    expect(statements.map((statement) => statement.groups)).toEqual([1, 1]);
  });

  it('reads a SQLite trigger body as part of one statement, up to END;', () => {
    const text = `CREATE TRIGGER g AFTER INSERT ON t BEGIN
  INSERT INTO u VALUES (CASE WHEN 1 THEN 'END;' ELSE 2 END);
  INSERT INTO u VALUES (3);
END;
INSERT INTO t VALUES(1);`;
    const statements = scan(SQLITE, text);
    expect(statements.map((statement) => statement.head.toString().split(/\s/)[0])).toEqual([
      'CREATE',
      'INSERT',
    ]);
  });

  it('follows backslash escapes, # comments and the DELIMITER command in the MySQL dialect', () => {
    const text = `# comment; INSERT INTO t VALUES (9);
INSERT INTO \`t\` VALUES ('a\\'),(\\\\'),('b\\\\'),("c\\"),(",0x2829);
DELIMITER ;;
CREATE PROCEDURE p() BEGIN
  INSERT INTO t VALUES (1),(2);
  SELECT 1;
END ;;
DELIMITER ;
INSERT INTO t VALUES (1),(2),(3);
`;
    const statements = scan(MYSQL, text);
    expect(
      statements.map((statement) => [statement.head.toString().split(/\s/)[0], statement.groups]),
    ).toEqual([
      ['INSERT', 3],
      ['CREATE', 3], // p(), then the body's (1),(2): a procedure's groups are never counted as rows
      ['INSERT', 3],
    ]);
  });

  it('keeps the head up to the first top-level parenthesis, at most headLimit bytes', () => {
    const [short] = scan(SQLITE, `INSERT INTO t VALUES('${'x'.repeat(100)}');`, 32);
    expect(short?.head.toString()).toBe('INSERT INTO t VALUES(');
    expect(short?.whole).toBe(true);
    const [long] = scan(SQLITE, `INSERT INTO "${'n'.repeat(100)}" VALUES(1);`, 32);
    expect(long?.head).toHaveLength(32);
    expect(long?.whole).toBe(false);
    expect(long?.groups).toBe(1);
  });

  it('a DELIMITER whose first byte is ordinary text still ends statements after the fast path', () => {
    const text =
      'DELIMITER $$\nINSERT INTO t VALUES (1),(2)$$\nINSERT INTO t VALUES (3)$$\nDELIMITER ;\nINSERT INTO t VALUES (4);';
    const statements = scan(MYSQL, text);
    expect(statements.map((statement) => statement.groups)).toEqual([2, 1, 1]);
  });

  it('is not at a statement boundary inside an unterminated string', () => {
    const scanner = new SqlStatementScanner(SQLITE, () => {});
    scanner.write(Buffer.from("INSERT INTO t VALUES('open"));
    scanner.end();
    expect(scanner.atBoundary).toBe(false);
  });
});
