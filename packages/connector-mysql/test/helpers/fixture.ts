import type { ConnectorFactory, ConnectorFixture, CreateFixtureOptions } from '@bk/connector-test-suite';
import { createMysqlConnector, type MysqlConnector, type MysqlConnectorOptions } from '../../src/index.js';
import {
  createDatabaseAndUser,
  dropDatabaseAndUser,
  HOST,
  ident,
  listTables,
  PORT,
  type SqlLogin,
  snapshotTables,
  sql,
  trickyPassword,
  uniqueName,
} from './mariadb.js';

/** Tables, a view, a trigger, a procedure, a function and an event, with awkward values. */
export const SEED_SQL = `
CREATE TABLE users (
  id INT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  avatar BLOB NULL,
  profile JSON NULL,
  note TEXT NULL
);
INSERT INTO users VALUES
  (1, 'Ada 😀 Lovelace', 0x00FF10800A0D5C2700, '{"langs": ["en", "日本語"], "n": 1.5}', NULL),
  (2, 'Bob "quoted" \\\\ back''slash', NULL, NULL, 'line1\\nline2\\ttab'),
  (3, '', '', '[]', '🎉🎉');
CREATE TABLE orders (
  id INT PRIMARY KEY AUTO_INCREMENT,
  user_id INT NOT NULL,
  amount DECIMAL(10,2) NULL,
  created DATETIME(6) NOT NULL,
  CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id)
);
INSERT INTO orders (user_id, amount, created) VALUES
  (1, 9.99, '2024-01-02 03:04:05.123456'), (2, NULL, '1999-12-31 23:59:59');
CREATE TABLE order_totals (user_id INT PRIMARY KEY, total DECIMAL(12,2) NOT NULL);
INSERT INTO order_totals VALUES (1, 9.99), (2, 0);
CREATE TABLE audit_log (id INT PRIMARY KEY AUTO_INCREMENT, message VARCHAR(200) NOT NULL);
INSERT INTO audit_log (message) VALUES ('seeded'), ('twice');
CREATE VIEW user_orders AS SELECT u.name, o.amount FROM users u JOIN orders o ON o.user_id = u.id;
DELIMITER ;;
CREATE TRIGGER orders_after_insert AFTER INSERT ON orders FOR EACH ROW
  INSERT INTO order_totals (user_id, total) VALUES (NEW.user_id, COALESCE(NEW.amount, 0))
  ON DUPLICATE KEY UPDATE total = total + COALESCE(NEW.amount, 0);;
CREATE PROCEDURE add_order(IN uid INT, IN amt DECIMAL(10,2))
BEGIN
  INSERT INTO orders (user_id, amount, created) VALUES (uid, amt, NOW(6));
END;;
CREATE FUNCTION double_it(x INT) RETURNS INT DETERMINISTIC RETURN x * 2;;
CREATE EVENT nightly_cleanup ON SCHEDULE EVERY 1 DAY DO DELETE FROM audit_log WHERE id < 0;;
DELIMITER ;
`;

/** Rows per base table right after {@link SEED_SQL} (plus `big` for large fixtures). */
export const SEED_ROW_COUNTS: Record<string, number> = { users: 3, orders: 2, order_totals: 2, audit_log: 2 };

const BIG_ROWS = 45_000;

/** A seeded database owned by its own password user, and a connector logged in as that user over TCP. */
export interface MysqlFixture extends ConnectorFixture {
  connector: MysqlConnector;
  database: string;
  user: string;
  password: string;
  login: SqlLogin;
}

/** Creates a seeded database and user; `large` adds ~9 MB of rows in table `big`. */
export async function createFixture(
  options: CreateFixtureOptions & { connector?: Partial<MysqlConnectorOptions> } = { large: false },
): Promise<MysqlFixture> {
  const password = trickyPassword();
  const { database, user } = await createDatabaseAndUser(password);
  const login: SqlLogin = { user, password };
  try {
    // Seeded as the user, so views, triggers and routines are defined by it and it can restore them.
    await sql(SEED_SQL, { database, login });
    if (options.large) {
      await sql(
        `CREATE TABLE big (id INT PRIMARY KEY, payload VARCHAR(255) NOT NULL);
         INSERT INTO big SELECT seq, REPEAT(MD5(seq), 6) FROM seq_1_to_${BIG_ROWS};`,
        { database, login },
      );
    }
  } catch (error) {
    await dropDatabaseAndUser(database, user);
    throw error;
  }
  const url = `mysql://${user}:${encodeURIComponent(password)}@${HOST}:${PORT}/${database}`;
  const connector = createMysqlConnector({
    url,
    excludeTables: options.excludeTables,
    ...options.connector,
  });
  const excluded = new Set(options.excludeTables ?? []);
  const expectedRowCounts = Object.fromEntries(
    Object.entries({ ...SEED_ROW_COUNTS, ...(options.large ? { big: BIG_ROWS } : {}) }).filter(
      ([table]) => !excluded.has(table),
    ),
  );
  return {
    connector,
    database,
    user,
    password,
    login,
    expectedRowCounts,
    snapshot: () => snapshotTables(database),
    // The same database through the socket as root: another host, no port, another user.
    otherSpelling: () => createMysqlConnector(`mysql://root@localhost/${database}`),
    async mutate() {
      await sql(
        `UPDATE users SET name = 'changed', avatar = 0x01 WHERE id = 1;
         DELETE FROM orders WHERE id = 2;
         INSERT INTO audit_log (message) VALUES ('mutated');
         ${options.large ? 'UPDATE big SET payload = "x" WHERE id <= 100;' : ''}`,
        { database, login },
      );
    },
    async clear() {
      const tables = await listTables(database);
      const views = (
        await sql(`SELECT table_name FROM information_schema.views WHERE table_schema = DATABASE()`, {
          database,
        })
      ).map((row) => row[0]!);
      const drops = [
        ...views.map((view) => `DROP VIEW ${ident(view)};`),
        ...tables.map((table) => `DROP TABLE ${ident(table)};`),
      ];
      await sql(`SET FOREIGN_KEY_CHECKS = 0;\n${drops.join('\n')}`, { database });
    },
    async cleanup() {
      await connector.close();
      await dropDatabaseAndUser(database, user);
    },
  };
}

/** The factory the conformance suite runs against. */
export const mysqlFactory: ConnectorFactory = {
  create: (options) => createFixture(options),
  missingDatabase: () => createMysqlConnector(`mysql://root@${HOST}:${PORT}/${uniqueName('bk_my_missing_')}`),
  badCredentials: () =>
    createMysqlConnector({
      host: HOST,
      port: PORT,
      user: uniqueName('bk_nouser_'),
      password: trickyPassword(),
      database: 'test',
    }),
};
