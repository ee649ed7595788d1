import type { ScratchDatabase } from '@bk/connector-pg';
import { importIfInstalled } from '../config/connector-package.js';
import type { ResolvedDatabase } from '../config/types.js';
import type { CommandContext } from '../context.js';
import { formatDuration, formatTable } from '../output/format.js';
import { closeDatabases, openDatabases } from './connectors.js';

/** A scratch database `bk cleanup` dropped (or would drop). */
export interface SweptScratch {
  /** The configured database whose restore left it. */
  database: string;
  /** The scratch database's name. */
  name: string;
  /** `dead`: its restore's process on this host is gone; `old`: older than `--partials-older-than`. */
  reason: 'dead' | 'old';
  /** How long ago it was created. */
  ageMs: number;
}

/**
 * The scratch-database step of `bk cleanup`: for each PostgreSQL database of `databases`, drops
 * (lists, with `dryRun`) the scratch databases of killed `bk dbrestore --jobs` runs, printing each
 * by name. A database that cannot be reached is noted and skipped: the sweep is best effort.
 */
export async function sweepScratchDatabases(
  context: CommandContext,
  databases: readonly ResolvedDatabase[],
  options: { olderThanMs: number; dryRun: boolean },
): Promise<SweptScratch[]> {
  const pg = await importIfInstalled('@bk/connector-pg', () => import('@bk/connector-pg'));
  if (!pg) return [];
  const { reporter, signal } = context;
  const swept: SweptScratch[] = [];
  const open = await openDatabases(databases);
  try {
    for (const { database, connector } of open) {
      if (!(connector instanceof pg.PgConnector) || connector.options.postgis) continue;
      let found: { swept: (ScratchDatabase & { reason: 'dead' | 'old' })[] };
      try {
        found = await pg.sweepPgScratch({
          connector,
          olderThanMs: options.olderThanMs,
          dryRun: options.dryRun,
          signal,
        });
      } catch (error) {
        if (signal.aborted) throw error;
        reporter.note(`${database.name}: scratch databases not checked: ${(error as Error).message}`);
        continue;
      }
      const now = Date.now();
      for (const scratch of found.swept) {
        swept.push({
          database: database.name,
          name: scratch.name,
          reason: scratch.reason,
          ageMs: now - scratch.createdMs,
        });
      }
    }
  } finally {
    await closeDatabases(open);
  }
  const verb = options.dryRun ? 'would drop database' : 'dropped database';
  const rows = swept.map((scratch) => [
    `${verb} ${scratch.name}`,
    scratch.reason === 'dead' ? 'its restore was killed' : 'older than --partials-older-than',
    `${formatDuration(scratch.ageMs)} old`,
  ]);
  for (const line of formatTable(rows)) reporter.print(line);
  return swept;
}
