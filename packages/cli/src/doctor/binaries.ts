import type { ResolvedDatabase } from '../config/types.js';

/** A program a connector runs, as `bk doctor` checks it. */
export interface ConnectorBinary {
  /** Name used in the table (`pg_dump`). */
  name: string;
  /** Binary name or path to run. */
  file: string;
  /** Arguments that print its version. */
  versionArgs: readonly string[];
  /** How to install it. */
  installHint: string;
}

const PG_HINT = 'apt-get install postgresql-client (or set binaries.pgDump / pgRestore / psql)';
const MYSQL_HINT = 'apt-get install mariadb-client (or mysql-client), or set dumpBinary and clientBinary';
const SQLITE_HINT = 'apt-get install sqlite3 (or set binary)';
const MONGO_HINT = 'install the MongoDB Database Tools (mongodump, mongorestore), or set mongodumpPath';

/**
 * The programs the connector of `database` runs, with the paths its options give. `onPath` picks
 * between tool names the way the MySQL connector does (`mariadb-dump` when present, else `mysqldump`).
 */
export function connectorBinaries(
  database: ResolvedDatabase,
  onPath: (name: string) => boolean,
): ConnectorBinary[] {
  const options = database.options;
  const text = (key: string): string | undefined =>
    typeof options[key] === 'string' ? (options[key] as string) : undefined;
  const version = ['--version'];
  switch (database.connector) {
    case 'pg': {
      const paths = (options.binaries ?? {}) as Record<string, string | undefined>;
      return [
        { name: 'pg_dump', file: paths.pgDump ?? 'pg_dump', versionArgs: version, installHint: PG_HINT },
        {
          name: 'pg_restore',
          file: paths.pgRestore ?? 'pg_restore',
          versionArgs: version,
          installHint: PG_HINT,
        },
        { name: 'psql', file: paths.psql ?? 'psql', versionArgs: version, installHint: PG_HINT },
      ];
    }
    case 'mysql': {
      const pick = (names: string[]) => names.find(onPath) ?? names.at(-1) ?? names[0]!;
      const dump = text('dumpBinary') ?? pick(['mariadb-dump', 'mysqldump']);
      const client = text('clientBinary') ?? pick(['mariadb', 'mysql']);
      return [
        { name: baseName(dump), file: dump, versionArgs: version, installHint: MYSQL_HINT },
        { name: baseName(client), file: client, versionArgs: version, installHint: MYSQL_HINT },
      ];
    }
    case 'sqlite': {
      const file = text('binary') ?? 'sqlite3';
      return [{ name: baseName(file), file, versionArgs: version, installHint: SQLITE_HINT }];
    }
    case 'mongo': {
      const dump = text('mongodumpPath') ?? 'mongodump';
      const restore = text('mongorestorePath') ?? 'mongorestore';
      return [
        { name: baseName(dump), file: dump, versionArgs: version, installHint: MONGO_HINT },
        { name: baseName(restore), file: restore, versionArgs: version, installHint: MONGO_HINT },
      ];
    }
    case 'custom':
      // A custom connector's programs are unknown here: its check() reports a missing one.
      return [];
  }
}

function baseName(file: string): string {
  return file.split('/').pop() || file;
}
