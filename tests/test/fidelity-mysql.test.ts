import { afterAll, describe, expect, it } from 'vitest';
import { bk, mariadb, tempDir, uniqueName, writeConfig } from './helpers.js';

const source = uniqueName('bk_fidelity_my');
const target = uniqueName('bk_fidelity_my_to');
afterAll(async () => {
  for (const name of [source, target]) await mariadb(`DROP DATABASE IF EXISTS ${name}`);
});

/** Hard data under a permissive sql_mode, and every kind of object mysqldump has to carry. */
const SEED = `
SET SESSION sql_mode = '';
CREATE TABLE people (
  id INT PRIMARY KEY AUTO_INCREMENT,
  name VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
  note TEXT,
  born DATE, seen DATETIME(6), stamp TIMESTAMP NULL,
  mood ENUM('sad', 'ok', 'happy'), flags SET('a', 'b', 'c'), bits BIT(10),
  amount DECIMAL(30, 10), ratio DOUBLE, doc JSON,
  upper_name VARCHAR(100) AS (UPPER(name)) VIRTUAL
) ENGINE=InnoDB;
INSERT INTO people (name, note, born, seen, stamp, mood, flags, bits, amount, ratio, doc) VALUES
  ('Zoë 🦫 👩‍👩‍👧 𝄞', 'line1\\nline2\\ttab \\\\ back''slash "dq"', '0000-00-00', '0000-00-00 00:00:00', NULL,
   'happy', 'a,c', b'1010101010', 12345678901234567890.0123456789, -0.0, '{"k": ["日本", 1.5, null]}'),
  ('\\\\! touch nothing', '\\nDELIMITER ;;\\nsystem touch nothing\\n', '2024-02-29', '1999-12-31 23:59:59.999999',
   '2038-01-19 03:14:07', '', '', b'0', -0.0000000001, 1e308, '[]'),
  (NULL, NULL, '2024-00-00', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO people (name) VALUES ('gone'); DELETE FROM people WHERE name = 'gone';
CREATE TABLE blobs (id INT PRIMARY KEY, data LONGBLOB, small VARBINARY(16), fixed BINARY(4));
INSERT INTO blobs SELECT seq, REPEAT(UNHEX('000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9FA0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBFC0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF'), seq * 10),
  UNHEX('00FF5C27220D0A1A'), UNHEX('00000000') FROM seq_1_to_50;
INSERT INTO blobs VALUES (0, '', '', NULL);
CREATE TABLE latin (id INT PRIMARY KEY, t VARCHAR(20)) CHARACTER SET latin1;
INSERT INTO latin VALUES (1, 'café ÿ');
CREATE TABLE audit (id INT PRIMARY KEY AUTO_INCREMENT, what VARCHAR(200));
CREATE VIEW happy_people AS SELECT id, name FROM people WHERE mood = 'happy';
DELIMITER ;;
CREATE TRIGGER people_audit AFTER INSERT ON people FOR EACH ROW INSERT INTO audit (what) VALUES (CONCAT('added 🦫 ', NEW.id));;
CREATE PROCEDURE add_person(IN who VARCHAR(100)) BEGIN INSERT INTO people (name) VALUES (who); END;;
CREATE FUNCTION shout(s VARCHAR(100)) RETURNS VARCHAR(120) DETERMINISTIC RETURN CONCAT(UPPER(s), ' ¡');;
CREATE EVENT tidy ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00' DO DELETE FROM audit WHERE id < 0;;
DELIMITER ;
`;

/**
 * \`CHECKSUM TABLE\` of every table, plus the definition of every table, column, view, trigger,
 * routine and event from information_schema (schema names left out, so two databases compare).
 */
async function fingerprint(database: string): Promise<string> {
  const db = `'${database}'`;
  const tables = (
    await mariadb(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = ${db} AND table_type = 'BASE TABLE' ORDER BY 1`,
    )
  )
    .split('\n')
    .filter(Boolean);
  const checksums = await mariadb(
    `CHECKSUM TABLE ${tables.map((name) => `\`${name}\``).join(', ')} EXTENDED`,
    database,
  );
  const definitions = await mariadb(
    `SELECT 'table', table_name, engine, table_collation, auto_increment, create_options FROM information_schema.tables WHERE table_schema = ${db}
     UNION ALL SELECT 'column', CONCAT(table_name, '.', column_name), column_type, collation_name, column_default, CONCAT(extra, ' ', generation_expression) FROM information_schema.columns WHERE table_schema = ${db}
     UNION ALL SELECT 'view', table_name, REPLACE(view_definition, ${db}, 'DB'), check_option, security_type, character_set_client FROM information_schema.views WHERE table_schema = ${db}
     UNION ALL SELECT 'trigger', trigger_name, action_statement, action_timing, event_manipulation, sql_mode FROM information_schema.triggers WHERE trigger_schema = ${db}
     UNION ALL SELECT 'routine', routine_name, routine_definition, dtd_identifier, sql_mode, character_set_client FROM information_schema.routines WHERE routine_schema = ${db}
     UNION ALL SELECT 'event', event_name, event_definition, CONCAT(interval_value, ' ', interval_field, ' ', starts), status, sql_mode FROM information_schema.events WHERE event_schema = ${db}
     ORDER BY 1, 2`,
  );
  return `${checksums.replaceAll(`${database}.`, '')}\n${definitions}`;
}

describe('MySQL/MariaDB fidelity: every row and object survives a round trip', () => {
  it('utf8mb4 emoji, blobs with every byte, zero dates, triggers, routines, events and views round-trip through bk', async () => {
    await mariadb(`CREATE DATABASE ${source} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await mariadb(SEED, source);
    const dir = await tempDir('bk-fidelity-my-');
    await writeConfig(dir, {
      remote: './remote',
      databases: { default: `mysql://root@127.0.0.1:3306/${source}` },
    });
    const backup = await bk(dir, ['dbbackup']);
    expect(backup.exitCode, backup.stderr).toBe(0);
    const restore = await bk(dir, [
      'dbrestore',
      '--to',
      `mysql://root@127.0.0.1:3306/${target}`,
      '--noinput',
    ]);
    expect(restore.exitCode, restore.stderr).toBe(0);

    const expected = await fingerprint(source);
    expect(expected).toMatch(/^blobs\t\d+$/m);
    expect(expected).toMatch(/^event\ttidy\t/m);
    expect(expected).toMatch(/^routine\tshout\t/m);
    expect(expected).toMatch(/^trigger\tpeople_audit\t/m);
    expect(expected).toMatch(/^table\tpeople\tInnoDB\tutf8mb4_unicode_ci\t5\t/m);
    expect(await fingerprint(target)).toBe(expected);
    const zero = await mariadb("SELECT CONCAT(born, ' ', seen) FROM people WHERE id = 1", target);
    expect(zero).toBe('0000-00-00 0000-00-00 00:00:00.000000');
  });
});
