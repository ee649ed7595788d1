/**
 * The header fields `.dump` leaves out, which applications rely on: migration frameworks read
 * `user_version` as the schema version, `application_id` names the file format, and `page_size`,
 * `auto_vacuum` and `encoding` can only be set before the first table exists. One SELECT, run in
 * the dump's read transaction before `.dump`, prints them as the first statements of the dump, so
 * a restore into a new file sets them before anything else. The journal mode cannot be set inside
 * the restore (a WAL file could not be checked read-only): it travels as a comment that
 * {@link declaresWal} reads, and the restore switches the new file to WAL after its check.
 */
export const DUMP_HEADER_SQL = [
  "SELECT 'PRAGMA page_size=' || p.page_size || ';' || char(10)",
  "|| 'PRAGMA auto_vacuum=' || a.auto_vacuum || ';' || char(10)",
  "|| 'PRAGMA encoding=''' || e.encoding || ''';' || char(10)",
  "|| 'PRAGMA user_version=' || u.user_version || ';' || char(10)",
  "|| 'PRAGMA application_id=' || i.application_id || ';' || char(10)",
  "|| '-- journal_mode=' || j.journal_mode",
  'FROM pragma_page_size p, pragma_auto_vacuum a, pragma_encoding e, pragma_user_version u,',
  'pragma_application_id i, pragma_journal_mode j;',
].join(' ');

/** How many bytes at the start of a dump hold its header. */
export const DUMP_HEADER_BYTES = 512;

/** Whether the first bytes of a dump say its database was in WAL mode. */
export function declaresWal(head: string): boolean {
  return /^-- journal_mode=wal$/m.test(head);
}
