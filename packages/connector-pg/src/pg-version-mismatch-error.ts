import { ProcessError, type ProcessErrorFields } from '@bk/core';
import type { PgVersionMismatch } from './version-mismatch.js';

/**
 * pg_dump is older than the server and refused to dump it. A `ProcessError` (exit code and
 * stderr tail included) with category `config`: install the client matching the server's major
 * version. Code `BK_PG_VERSION_MISMATCH`.
 */
export class PgVersionMismatchError extends ProcessError {
  /** The server's version as pg_dump reported it. */
  readonly serverVersion: string;
  /** The pg_dump version that refused. */
  readonly toolVersion: string;

  constructor(fields: ProcessErrorFields, mismatch: PgVersionMismatch, options: { cause?: unknown } = {}) {
    const major = mismatch.serverMajor;
    super(fields, {
      code: 'BK_PG_VERSION_MISMATCH',
      category: 'config',
      cause: options.cause,
      hint:
        `install postgresql-client-${major} (for example from the PGDG apt repository, ` +
        `https://wiki.postgresql.org/wiki/Apt) and point binaries.pgDump at its pg_dump ` +
        `(/usr/lib/postgresql/${major}/bin/pg_dump) if it is not first on PATH`,
    });
    this.name = 'PgVersionMismatchError';
    this.serverVersion = mismatch.serverVersion;
    this.toolVersion = mismatch.toolVersion;
    const context = fields.context ? ` (${fields.context})` : '';
    this.message =
      `pg_dump ${mismatch.toolVersion} cannot dump PostgreSQL server ${mismatch.serverVersion}: ` +
      `server version mismatch, pg_dump must be at least version ${major}${context}`;
  }
}
