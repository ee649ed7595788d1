import { basename } from 'node:path';
import { requireWalFileName } from '@bk/connector-pg';
import { pushWal } from '@bk/core';
import { createConfiguredStorage } from '../../config/create-storage.js';
import type { CommandContext } from '../../context.js';
import { UsageError } from '../../usage-error.js';
import { selectPgDatabase } from './pg-database.js';

/** Options of `bk wal-push`. */
export interface WalPushOptions {
  database?: string;
  /** The command's operands, in order. */
  operands?: (string | undefined)[];
}

/**
 * `bk wal-push PATH`: PostgreSQL's `archive_command`. Exits 0 only when the file is stored, its size
 * checked and its manifest written; PostgreSQL keeps the segment and retries otherwise.
 */
export async function run(context: CommandContext, options: WalPushOptions) {
  const [path] = options.operands ?? [];
  if ((options.operands?.length ?? 0) > 1)
    throw new UsageError('wal-push takes one operand, the path of the WAL file (%p)');

  if (path === undefined || path === '') throw new UsageError('wal-push needs the path of the WAL file (%p)');
  const name = requireWalFileName(basename(path), 'PATH');
  const config = await context.config();
  const database = selectPgDatabase(config, options.database);
  const storage = createConfiguredStorage(config);
  const result = await pushWal({
    storage,
    database: database.name,
    file: path,
    name: name.name,
    timeline: name.timeline,
    signal: context.signal,
  });
  context.reporter.print(
    `${database.name}: ${result.status === 'stored' ? 'archived' : 'already archived'} ${result.manifest.path}`,
  );
  return {
    status: result.status,
    path: result.manifest.path,
    bytes: result.manifest.bytes,
    sha256: result.manifest.sha256,
  };
}
