import { walFilesBefore } from '@bk/connector-pg';
import {
  ConfigError,
  listWalArchive,
  planRetention,
  removeFromWalArchive,
  sweepPartials,
  walPartialDir,
} from '@bk/core';
import { createConfiguredStorage } from '../../config/create-storage.js';
import type { CommandContext } from '../../context.js';
import { selectPgDatabase } from './pg-database.js';

/** Options of `bk cleanup --physical`. */
export interface PhysicalCleanupOptions {
  database?: string;
  dryRun?: boolean;
}

/**
 * `bk cleanup --physical`: applies the keep policy to the base backups, then removes the archived
 * WAL older than the oldest kept base backup's start segment. Never removes WAL a kept base backup
 * needs, nor timeline history files. Damaged base backups are never counted as kept. Then sweeps
 * uploads older than a day from `wal/<name>/.partial/`.
 */
export async function run(context: CommandContext, options: PhysicalCleanupOptions) {
  const { signal, reporter } = context;
  const config = await context.config();
  const database = selectPgDatabase(config, options.database);
  const keep = database.keep ?? config.db.keep;
  if (keep === undefined) {
    throw new ConfigError(`no retention policy for "${database.name}"`, {
      key: 'db.keep',
      hint: 'set db.keep, e.g. { "last": 7 }',
    });
  }
  const storage = createConfiguredStorage(config);
  await storage.check({ signal });
  const archive = await listWalArchive({ storage, database: database.name, signal });
  const intact = archive.baseBackups.filter((backup) => !backup.damaged);
  const decisions = planRetention(intact, keep, { time: (backup) => new Date(backup.startedAt) });
  const kept = decisions.filter((decision) => decision.keep).map((decision) => decision.item);
  const removedBackups = decisions.filter((decision) => !decision.keep).map((decision) => decision.item);
  for (const decision of decisions) {
    reporter.print(
      `${decision.keep ? 'keep  ' : 'remove'}  ${decision.item.name}${decision.keep ? `  (${decision.keptBy.join(', ')})` : ''}`,
    );
  }
  // The oldest start segment among kept backups bounds what WAL may go (by position, any timeline).
  const oldestStart = kept
    .map((backup) => backup.wal.startSegment)
    .sort((a, b) => (a.slice(8) < b.slice(8) ? -1 : 1))[0];
  const segmentSize = kept[0]?.wal.segmentSize;
  const removableNames = oldestStart ? walFilesBefore(oldestStart, archive.files.keys(), segmentSize) : [];
  const removedFiles = removableNames.map((name) => archive.files.get(name)!).filter(Boolean);
  reporter.print(
    `${options.dryRun ? 'would remove' : 'removing'} ${removedFiles.length} WAL file${removedFiles.length === 1 ? '' : 's'} before ${oldestStart ?? '(no kept base backup: none)'}`,
  );
  if (!options.dryRun) {
    await removeFromWalArchive({
      storage,
      database: database.name,
      baseBackups: removedBackups,
      files: removedFiles,
      signal,
    });
  }
  // Uploads a killed wal-push or base backup left in wal/<name>/.partial/, once a day old.
  const swept = await sweepPartials({
    storage,
    dir: walPartialDir(database.name),
    dryRun: options.dryRun === true,
    signal,
  });
  for (const partial of swept.swept)
    reporter.print(`${options.dryRun ? 'would sweep' : 'swept'}  ${partial.path}`);
  return {
    dryRun: options.dryRun === true,
    sweptPartials: swept.swept.map((partial) => partial.path),
    keptBaseBackups: kept.map((backup) => backup.name),
    removedBaseBackups: removedBackups.map((backup) => backup.name),
    removedWal: removedFiles.map((file) => file.name),
  };
}
