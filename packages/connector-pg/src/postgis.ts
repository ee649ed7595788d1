import { type PgConnection, parsePgUrl } from './connection.js';
import type { PgConnectorOptions, PgPostgisOptions } from './options.js';

/** The resolved PostGIS set-up of a connector. */
export interface ResolvedPostgis {
  /** Extensions to create, in order. */
  extensions: readonly string[];
  /** The admin connection, when `adminUrl` was given. */
  connection: PgConnection | undefined;
  /** The role to `SET ROLE` to, when `adminRole` was given (and no `adminUrl`). */
  role: string | undefined;
}

/** Quotes an SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Resolves the `postgis` option; `undefined` when the PostGIS variant is off. */
export function resolvePostgis(
  option: PgConnectorOptions['postgis'],
  main: PgConnection,
): ResolvedPostgis | undefined {
  if (!option) return undefined;
  const settings: PgPostgisOptions = option === true ? {} : option;
  let connection: PgConnection | undefined;
  if (settings.adminUrl) {
    const parsed = parsePgUrl(settings.adminUrl, 'postgis.adminUrl');
    const dbname = parsed.params.dbname ?? main.params.dbname;
    connection = { ...parsed, params: { ...parsed.params, ...(dbname ? { dbname } : {}) } };
  }
  return {
    extensions: settings.extensions ?? ['postgis'],
    connection,
    role: connection ? undefined : settings.adminRole,
  };
}

/** The SQL run before a restore: `SET ROLE` (optional), then `CREATE EXTENSION IF NOT EXISTS` each. */
export function ensureExtensions(postgis: ResolvedPostgis): string {
  const statements = postgis.role ? [`set role ${quoteIdentifier(postgis.role)}`] : [];
  for (const extension of postgis.extensions) {
    statements.push(`create extension if not exists ${quoteIdentifier(extension)}`);
  }
  return statements.join('; ');
}
