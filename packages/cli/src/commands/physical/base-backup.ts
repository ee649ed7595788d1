import { storeBaseBackup } from '@bk/core';
import { createConfiguredStorage } from '../../config/create-storage.js';
import type { CommandContext } from '../../context.js';
import { formatBytes } from '../../output/format.js';
import { UsageError } from '../../usage-error.js';
import { openPgConnector, selectPgDatabase } from './pg-database.js';

/** Options of `bk dbbackup --physical`. */
export interface PhysicalBackupOptions {
  database?: string[];
  all?: boolean;
  clean?: boolean;
}

/**
 * `bk dbbackup --physical`: a base backup of the whole PostgreSQL cluster (`pg_basebackup`, tar),
 * stored under `wal/<name>/base/` with its WAL start and end positions in the manifest.
 */
export async function run(context: CommandContext, options: PhysicalBackupOptions) {
  if (options.all || options.clean || (options.database?.length ?? 0) > 1) {
    throw new UsageError('--physical backs up one database: pass -d NAME (without --all or --clean)', {
      hint: 'apply retention with bk cleanup -d NAME --physical',
    });
  }
  const { signal, reporter } = context;
  const config = await context.config();
  const database = selectPgDatabase(config, options.database?.[0]);
  const storage = createConfiguredStorage(config);
  const connector = await openPgConnector(database);
  try {
    await storage.check({ signal });
    const [description, segmentSize] = await Promise.all([
      connector.describe({ signal }),
      connector.walSegmentSize({ signal }),
    ]);
    const manifest = await storeBaseBackup({
      storage,
      database: database.name,
      connector: connector.id,
      description: {
        ...description,
        toolVersion: description.toolVersion.replace('pg_dump', 'pg_basebackup'),
      },
      signal,
      start: ({ signal: dumpSignal }) => {
        const handle = connector.baseBackup({
          signal: dumpSignal,
          segmentSize,
          label: `bk ${database.name}`,
        });
        return {
          stream: handle.stream,
          done: handle.done,
          wal: handle.position.then((position) => ({
            startLsn: position.startLsn,
            endLsn: position.endLsn,
            timeline: position.timeline,
            startSegment: position.startSegment,
            endSegment: position.endSegment,
            segmentSize,
          })),
        };
      },
    });
    reporter.print(
      `${database.name}: ${manifest.path}  ${formatBytes(manifest.bytes)}  WAL ${manifest.wal.startLsn}..${manifest.wal.endLsn} (timeline ${Number.parseInt(manifest.wal.timeline, 16)})`,
    );
    return { backups: [manifest] };
  } finally {
    await connector.close();
  }
}
