import { ConfigError } from '../errors/config-error.js';

/** Directory of archived WAL and base backups, relative to the remote base. */
export const WAL_DIR = 'wal';

const TIMELINE = /^[0-9A-F]{8}$/;
const FILE = /^[0-9A-F]{8}(?:[0-9A-F]{16}(?:\.[0-9A-F]{8}\.backup|\.partial)?|\.history)$/;

/** Throws a {@link ConfigError} unless `database` is a plain alias (no `/`, `\`, `..`, control characters). */
export function validateWalDatabase(database: string): void {
  if (
    typeof database !== 'string' ||
    database.trim() === '' ||
    /[/\\\p{Cc}]/u.test(database) ||
    database.includes('..')
  ) {
    throw new ConfigError(`invalid database alias ${JSON.stringify(database)}`, {
      key: 'databases',
      hint: 'use a plain name such as "main" (no /, \\ or ..)',
    });
  }
}

/** Throws a {@link ConfigError} unless `name` is a WAL file name and `timeline` its 8 hex digits. */
export function validateWalName(timeline: string, name: string): void {
  if (!TIMELINE.test(timeline) || !FILE.test(name) || !name.startsWith(timeline)) {
    throw new ConfigError(`${JSON.stringify(name)} is not a WAL file name of timeline ${timeline}`, {
      key: 'SEGMENT',
      hint: 'pass the name PostgreSQL gives in %f, such as 000000010000000000000002',
    });
  }
}

/** `wal/<database>`: everything archived for one database alias. */
export function walRoot(database: string): string {
  return `${WAL_DIR}/${database}`;
}

/** `wal/<database>/<timeline>/<name>`: one archived WAL file. */
export function walObjectPath(database: string, timeline: string, name: string): string {
  return `${walRoot(database)}/${timeline}/${name}`;
}

/** `wal/<database>/.partial`: uploads in flight, never read by recovery. */
export function walPartialDir(database: string): string {
  return `${walRoot(database)}/.partial`;
}

/** `wal/<database>/base`: base backups and their manifests. */
export function baseBackupDir(database: string): string {
  return `${walRoot(database)}/base`;
}
