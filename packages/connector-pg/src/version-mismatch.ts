/** The two versions named by pg_dump's "server version mismatch" error. */
export interface PgVersionMismatch {
  /** The server's version as pg_dump reported it (`17.2 (Debian 17.2-1.pgdg120+1)`). */
  serverVersion: string;
  /** The pg_dump version (`15.20 (Debian 15.20-0+deb12u1)`). */
  toolVersion: string;
  /** The server's major version (`17`), for the package to install. */
  serverMajor: number;
}

const MISMATCH = /server version: ([^;\n]+); pg_dump version: ([^\n]+)/;

/** The major version of a PostgreSQL version string: `15.20 (Debian ...)` → 15, `9.6.24` → 9.6. */
export function pgMajorVersion(version: string): number | undefined {
  const match = /(\d+)(?:\.(\d+))?/.exec(version);
  if (!match) return undefined;
  const major = Number(match[1]);
  return major < 10 && match[2] !== undefined ? Number(`${major}.${match[2]}`) : major;
}

/**
 * Recognizes pg_dump's refusal to dump a newer server in its stderr:
 * `pg_dump: error: aborting because of server version mismatch` followed by
 * `pg_dump: detail: server version: 17.2; pg_dump version: 15.20` (older pg_dump prints both
 * lines as `error:`). Returns `undefined` for any other text.
 */
export function detectVersionMismatch(stderr: string): PgVersionMismatch | undefined {
  if (!stderr.includes('server version mismatch')) return undefined;
  const match = MISMATCH.exec(stderr);
  if (!match) return undefined;
  const serverVersion = (match[1] ?? '').trim();
  const toolVersion = (match[2] ?? '').trim();
  const serverMajor = pgMajorVersion(serverVersion);
  if (serverMajor === undefined) return undefined;
  return { serverVersion, toolVersion, serverMajor };
}
