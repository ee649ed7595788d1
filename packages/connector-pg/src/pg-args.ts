import type { PgConnectorOptions } from './options.js';

/** The pg_dump arguments for `options` (custom format to stdout), without the connection. */
export function pgDumpArgs(options: PgConnectorOptions): string[] {
  const args = ['--format=custom'];
  if (options.compressionLevel !== undefined) args.push(`--compress=${options.compressionLevel}`);
  for (const table of options.excludeTables ?? []) args.push(`--exclude-table=${table}`);
  for (const table of options.excludeTableData ?? []) args.push(`--exclude-table-data=${table}`);
  for (const schema of options.schemas ?? []) args.push(`--schema=${schema}`);
  args.push(...(options.extraDumpArgs ?? []));
  return args;
}

/** The pg_restore arguments for `options` (one transaction, stop at the first error, read stdin). */
export function pgRestoreArgs(options: PgConnectorOptions): string[] {
  const args = ['--single-transaction', '--exit-on-error'];
  if (options.clean ?? true) args.push('--clean', '--if-exists');
  if (options.noOwner) args.push('--no-owner');
  if (options.noAcl) args.push('--no-acl');
  for (const schema of options.restoreSchemas ?? []) args.push(`--schema=${schema}`);
  for (const table of options.restoreTables ?? []) args.push(`--table=${table}`);
  args.push(...(options.extraRestoreArgs ?? []));
  return args;
}
