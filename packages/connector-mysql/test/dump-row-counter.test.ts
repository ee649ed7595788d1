import { dumpToBuffer } from '@bk/connector-test-suite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlConnector } from '../src/index.js';
import { HOST, ident, PORT, sql, uniqueName } from './helpers/mariadb.js';

const database = uniqueName('bk_my_count_');
beforeAll(async () => {
  await sql(`CREATE DATABASE ${ident(database)} CHARACTER SET utf8mb4`);
  await sql(HOSTILE_SQL, { database });
});
afterAll(async () => {
  await sql(`DROP DATABASE IF EXISTS ${ident(database)}`);
});

/** Names, values and bodies built to fool a counter that reads dump text. */
const HOSTILE_SQL = `
CREATE TABLE \`we\`\`ird;name\` (v TEXT, b BLOB, j JSON);
CREATE TABLE plain (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(200));
CREATE TABLE empty (v INT);
CREATE TABLE \`naïve ß\` (v TEXT);
CREATE TABLE versioned (v INT) WITH SYSTEM VERSIONING;
CREATE TABLE big (id INT PRIMARY KEY, v VARCHAR(100));
INSERT INTO \`we\`\`ird;name\` VALUES
  ('a\\'),(\\\\', 0x00272829, '{"k": "),("}'),
  ('two\\nlines; INSERT INTO plain VALUES (1),(2);', '', NULL),
  ('back\\\\slash\\\\', NULL, '[1, 2]'),
  ("dq \\" ),( ", 0x5c, NULL),
  ('-- /* # */', NULL, NULL);
INSERT INTO plain (v) VALUES ('p1'), ('p2'), ('(('), ('))');
INSERT INTO \`naïve ß\` VALUES ('é');
INSERT INTO versioned VALUES (1), (2);
UPDATE versioned SET v = 3 WHERE v = 2;
INSERT INTO big SELECT seq, REPEAT('x', 90) FROM seq_1_to_20000;
CREATE VIEW plain_view AS SELECT v FROM plain WHERE v <> 'INSERT INTO plain VALUES (1);';
DELIMITER ;;
CREATE PROCEDURE fill()
BEGIN
  SELECT 1;
  INSERT INTO plain (v) VALUES ('from a procedure'), ('twice');
  INSERT INTO empty VALUES (1);
END;;
CREATE TRIGGER plain_audit AFTER INSERT ON plain FOR EACH ROW INSERT INTO empty VALUES (NEW.id);;
CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY DO INSERT INTO empty VALUES (7);;
DELIMITER ;
`;

const EXPECTED = {
  'we`ird;name': 5,
  plain: 4,
  empty: 0,
  'naïve ß': 1,
  versioned: 2,
  big: 20_000,
};

describe('MysqlDumpRowCounter against real mariadb-dump output', () => {
  it.each([
    ['the default flags', []],
    ['one row per INSERT', ['--skip-extended-insert']],
    ['column lists', ['--complete-insert']],
    ['INSERT IGNORE', ['--insert-ignore']],
    ['REPLACE', ['--replace', '--complete-insert']],
    ['small extended inserts', ['--net-buffer-length=4096']],
  ])('counts what the database holds, with %s', async (_label, dumpArgs) => {
    const connector = createMysqlConnector({
      host: HOST,
      port: PORT,
      user: 'root',
      database,
      dumpArgs,
    });
    try {
      const dump = await dumpToBuffer(connector);
      const counter = connector.rowCounter();
      for (let offset = 0; offset < dump.length; offset += 997)
        counter.write(dump.subarray(offset, offset + 997));
      const counted = await counter.end();
      expect(counted).toEqual(EXPECTED);
      expect(await connector.rowCounts()).toEqual(EXPECTED);
    } finally {
      await connector.close();
    }
  });
});
