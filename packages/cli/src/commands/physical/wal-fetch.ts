import { requireWalFileName } from '@bk/connector-pg';
import { BkError, fetchWal } from '@bk/core';
import { createConfiguredStorage } from '../../config/create-storage.js';
import type { CommandContext } from '../../context.js';
import { UsageError } from '../../usage-error.js';
import { selectPgDatabase } from './pg-database.js';

/** Options of `bk wal-fetch`. */
export interface WalFetchOptions {
  database?: string;
  /** The command's operands, in order. */
  operands?: (string | undefined)[];
}

/**
 * `bk wal-fetch SEGMENT PATH`: PostgreSQL's `restore_command`. Writes the file to PATH only after
 * its sha256 matched its manifest; exits 1 when the archive does not hold it (PostgreSQL asks for
 * files past the end of the archive, and for history files that may not exist).
 */
export async function run(context: CommandContext, options: WalFetchOptions) {
  const [segment, path] = options.operands ?? [];
  if ((options.operands?.length ?? 0) > 2)
    throw new UsageError(
      'wal-fetch takes two operands: the WAL file name (%f) and the path to write it to (%p)',
    );

  if (segment === undefined || path === undefined || path === '') {
    throw new UsageError('wal-fetch needs the WAL file name (%f) and the path to write it to (%p)');
  }
  const name = requireWalFileName(segment, 'SEGMENT');
  const config = await context.config();
  const database = selectPgDatabase(config, options.database);
  const storage = createConfiguredStorage(config);
  const result = await fetchWal({
    storage,
    database: database.name,
    name: name.name,
    timeline: name.timeline,
    target: path,
    signal: context.signal,
  });
  if (result.status === 'missing') {
    throw new BkError('BK_WAL_MISSING', `${name.name} is not in the archive of "${database.name}"`);
  }
  context.reporter.print(`${database.name}: restored ${result.manifest.path} (sha256 verified)`);
  return { path: result.manifest.path, bytes: result.manifest.bytes, sha256: result.manifest.sha256 };
}
