import { ProcessError } from '@bk/core';
import { PgVersionMismatchError } from './pg-version-mismatch-error.js';
import { detectVersionMismatch } from './version-mismatch.js';

function fieldsOf(error: ProcessError, context: string | undefined) {
  return {
    process: error.process,
    exitCode: error.exitCode,
    signal: error.signal,
    stderrTail: error.stderrTail,
    context,
  };
}

function contextOf(error: ProcessError): string | undefined {
  return /\(([^()]*)\)$/.exec(error.message)?.[1];
}

/** Turns pg_dump's "server version mismatch" failure into a {@link PgVersionMismatchError}. */
export function mapDumpError(error: unknown): unknown {
  if (!ProcessError.isInstance(error)) return error;
  const mismatch = detectVersionMismatch(error.stderrTail);
  if (!mismatch) return error;
  return new PgVersionMismatchError(fieldsOf(error, contextOf(error)), mismatch, { cause: error });
}

/** What the server says when a non-superuser restore reaches for server-side programs or files. */
const SERVER_ACCESS_DENIED =
  /pg_execute_server_program|pg_read_server_files|pg_write_server_files|permission denied for function (lo_import|lo_export|pg_read_file|pg_read_binary_file|pg_ls_dir)/;

/**
 * Adds a hint to pg_restore failures that have a known remedy: an archive from a newer pg_dump, or
 * partitioned tables, which `pg_restore --clean` cannot drop in an existing database, or an
 * archive that reaches for server-side programs or files the restoring role may not use.
 */
export function mapRestoreError(error: unknown): unknown {
  if (!ProcessError.isInstance(error)) return error;
  if (/cannot drop inherited constraint/.test(error.stderrTail)) {
    return new ProcessError(fieldsOf(error, contextOf(error)), {
      cause: error,
      hint: 'pg_restore --clean cannot replace partitioned tables (the transaction was rolled back, nothing changed): restore with bk dbrestore --jobs 2, which builds a new database and swaps it in, or into an empty database',
    });
  }
  if (SERVER_ACCESS_DENIED.test(error.stderrTail)) {
    return new ProcessError(fieldsOf(error, contextOf(error)), {
      cause: error,
      hint: 'the backup asks the database server to run a program or use its files (COPY ... PROGRAM or FILE, lo_import, pg_read_file) and the restoring role may not (the transaction was rolled back, nothing changed): if the database never did that, the backup was forged by someone who can write the remote (docs/guarantees.md, "Hostile backups")',
    });
  }
  if (/unsupported version \(\d+\.\d+\) in file header/.test(error.stderrTail)) {
    return new ProcessError(fieldsOf(error, contextOf(error)), {
      cause: error,
      hint: 'the backup was made by a newer pg_dump: restore it with the pg_restore of that version (binaries.pgRestore)',
    });
  }
  return error;
}

/** A {@link ProcessError} whose stderr matches `pattern`, again with `hint`; anything else unchanged. */
function withHintWhen(error: unknown, pattern: RegExp, hint: string): unknown {
  if (!ProcessError.isInstance(error) || !pattern.test(error.stderrTail)) return error;
  return new ProcessError(fieldsOf(error, contextOf(error)), { cause: error, hint });
}

/** Adds a hint to a failed `CREATE EXTENSION` (PostGIS variant) that lacked the rights. */
export function withExtensionHint(error: unknown): unknown {
  return withHintWhen(
    error,
    /permission denied to create extension/,
    'set postgis.adminUrl to a superuser connection (or postgis.adminRole to a role allowed to create it)',
  );
}

/** Adds a hint to psql's "permission denied to create database". Other errors pass unchanged. */
export function withCreateDatabaseHint(error: unknown): unknown {
  return withHintWhen(
    error,
    /permission denied to create database/,
    'create the database first (createdb, as a role allowed to), or grant CREATEDB to the role',
  );
}
