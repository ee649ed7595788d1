/**
 * The statement {@link PgConnector.identity} runs: which running server (its postmaster start
 * time, to the microsecond, in UTC so the session's time zone cannot change the text), its port,
 * and the database the session is in. Every role may run it.
 *
 * The system identifier (`pg_control_system()`) is left out on purpose: a cluster's physical
 * replicas and its `pg_basebackup` clones share it (a staging clone would be "the same database"),
 * and a server may revoke `pg_control_system()` from some roles, so two roles would read different
 * strings for one database. The start time tells one running server from any other; it changes when
 * the server restarts, which is why identities are compared within one run only.
 */
export const PG_IDENTITY_SQL =
  "select to_char(pg_postmaster_start_time() at time zone 'UTC', 'YYYYMMDDHH24MISSUS'), current_setting('port'), current_database()";

/** Formats the fields {@link PG_IDENTITY_SQL} returned for `database` as the identity string. */
export function formatPgIdentity(fields: readonly string[], database: string): string {
  const [started, port] = fields;
  return `postgresql:${started}:${port}/${database}`;
}
