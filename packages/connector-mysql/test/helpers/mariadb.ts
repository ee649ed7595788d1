import { randomBytes } from 'node:crypto';
import { createSecretFile } from '@bk/core';
import { execa } from 'execa';
import { quoteOptionValue } from '../../src/index.js';

/** Where the test server listens (root, empty password). */
export const HOST = '127.0.0.1';
/** Test server port. */
export const PORT = 3306;

/** A unique lowercase name with the given prefix, such as `bk_my_3f9a1c2b7d`. */
export function uniqueName(prefix = 'bk_my_'): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

/** Credentials for {@link sql}; root over TCP when omitted. Passwords go through a 0600 file. */
export interface SqlLogin {
  user: string;
  password?: string;
}

/**
 * Runs SQL (on stdin) with the mariadb client and returns the rows as tab-split fields. Throws with
 * the client's stderr when it fails. Never puts a password in argv.
 */
export async function sql(
  statements: string,
  options: { database?: string; login?: SqlLogin } = {},
): Promise<string[][]> {
  const login = options.login ?? { user: 'root' };
  const lines = [
    '[client]',
    `user=${quoteOptionValue(login.user)}`,
    `host=${HOST}`,
    `port=${PORT}`,
    'protocol=TCP',
  ];
  if (login.password) lines.push(`password=${quoteOptionValue(login.password)}`);
  await using file = await createSecretFile(`${lines.join('\n')}\n`);
  const args = [
    `--defaults-extra-file=${file.path}`,
    '--default-character-set=utf8mb4',
    '--batch',
    '--skip-column-names',
  ];
  if (options.database) args.push(options.database);
  const result = await execa('mariadb', args, { input: statements, reject: false });
  if (result.exitCode !== 0) throw new Error(`mariadb exited ${result.exitCode}: ${result.stderr}`);
  return String(result.stdout)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'));
}

/** Quotes an identifier with backticks. */
export function ident(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/** Quotes a string literal. */
export function literal(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/** A password that needs every kind of escaping: option-file syntax, URL syntax, shell syntax. */
export function trickyPassword(): string {
  return `p@ss:w/rd#;"'\\ ${randomBytes(6).toString('hex')}`;
}

/**
 * Creates a database (utf8mb4) and a user that may do anything in it, reachable over TCP
 * from 127.0.0.1 and over the socket from localhost.
 */
export async function createDatabaseAndUser(password: string): Promise<{ database: string; user: string }> {
  const database = uniqueName();
  const user = uniqueName('bk_u_');
  const grants = ['127.0.0.1', 'localhost']
    .map(
      (host) =>
        `CREATE USER ${literal(user)}@${literal(host)} IDENTIFIED BY ${literal(password)};
         GRANT ALL PRIVILEGES ON ${ident(database)}.* TO ${literal(user)}@${literal(host)};`,
    )
    .join('\n');
  await sql(
    `CREATE DATABASE ${ident(database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n${grants}`,
  );
  return { database, user };
}

/** Drops the database and the user (both hosts); ignores what is already gone. */
export async function dropDatabaseAndUser(database: string, user?: string): Promise<void> {
  const users = user ? `DROP USER IF EXISTS ${literal(user)}@'127.0.0.1', ${literal(user)}@'localhost';` : '';
  await sql(`DROP DATABASE IF EXISTS ${ident(database)}; ${users}`);
}

/** Base tables of a database, sorted. */
export async function listTables(database: string): Promise<string[]> {
  const rows = await sql(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = ${literal(database)} AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  return rows.map((row) => row[0]!);
}

/**
 * Every base table's rows, sorted, as JSON-friendly values: NULL stays `null`, binary columns
 * become hex, everything else the server's text form. Keys are table names.
 */
export async function snapshotTables(database: string): Promise<Record<string, unknown>> {
  const columns = await sql(
    `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = ${literal(database)} AND t.table_type = 'BASE TABLE'
     ORDER BY c.table_name, c.ordinal_position`,
  );
  const byTable = new Map<string, { name: string; binary: boolean }[]>();
  for (const [table, column, type] of columns) {
    const list = byTable.get(table!) ?? [];
    list.push({ name: column!, binary: /binary|blob/i.test(type!) });
    byTable.set(table!, list);
  }
  const snapshot: Record<string, unknown> = {};
  for (const [table, list] of byTable) {
    const select = list
      .map((column) => `IF(${ident(column.name)} IS NULL, 'N', HEX(CAST(${ident(column.name)} AS BINARY)))`)
      .join(', ');
    const order = list.map((_, index) => index + 1).join(', ');
    const rows = await sql(`SELECT ${select} FROM ${ident(table)} ORDER BY ${order}`, { database });
    snapshot[table] = rows.map((row) =>
      row.map((value, index) => {
        if (value === 'N') return null;
        const bytes = Buffer.from(value, 'hex');
        return list[index]!.binary ? `0x${value}` : bytes.toString('utf8');
      }),
    );
  }
  return snapshot;
}

/** Names of the routines, triggers, events and views of a database, sorted, by kind. */
export async function listObjects(database: string): Promise<Record<string, string[]>> {
  const query = async (statement: string) => (await sql(statement)).map((row) => row[0]!);
  const db = literal(database);
  return {
    routines: await query(
      `SELECT CONCAT(routine_type, ' ', routine_name) FROM information_schema.routines WHERE routine_schema = ${db} ORDER BY 1`,
    ),
    triggers: await query(
      `SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = ${db} ORDER BY 1`,
    ),
    events: await query(
      `SELECT event_name FROM information_schema.events WHERE event_schema = ${db} ORDER BY 1`,
    ),
    views: await query(
      `SELECT table_name FROM information_schema.views WHERE table_schema = ${db} ORDER BY 1`,
    ),
  };
}
