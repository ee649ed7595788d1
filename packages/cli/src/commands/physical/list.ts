import { parseWalFileName } from '@bk/connector-pg';
import { listWalArchive, readWalManifest } from '@bk/core';
import { createConfiguredStorage } from '../../config/create-storage.js';
import type { CommandContext } from '../../context.js';
import { formatBytes } from '../../output/format.js';
import { selectPgDatabase } from './pg-database.js';

/** Options of `bk listbackups --physical`. */
export interface PhysicalListOptions {
  database?: string;
}

/**
 * `bk listbackups --physical`: the base backups (newest first) and the restorable window, from the
 * oldest intact base backup's end to the newest archived segment. With `--json`, one object.
 */
export async function run(context: CommandContext, options: PhysicalListOptions) {
  const { signal, reporter } = context;
  const config = await context.config();
  const database = selectPgDatabase(config, options.database);
  const storage = createConfiguredStorage(config);
  await storage.check({ signal });
  const archive = await listWalArchive({ storage, database: database.name, signal });
  const segments = [...archive.files.values()]
    .filter((file) => parseWalFileName(file.name)?.kind === 'segment')
    .sort((a, b) =>
      a.name.slice(8) < b.name.slice(8)
        ? -1
        : a.name.slice(8) > b.name.slice(8)
          ? 1
          : a.name < b.name
            ? -1
            : 1,
    );
  const newest = segments.at(-1);
  const newestManifest =
    newest &&
    (await readWalManifest({
      storage,
      database: database.name,
      timeline: newest.timeline,
      name: newest.name,
      signal,
    }));
  const intact = archive.baseBackups.filter((backup) => !backup.damaged);
  const oldest = intact.at(-1);
  const window =
    oldest && newestManifest
      ? { from: oldest.finishedAt, to: newestManifest.archivedAt, newestSegment: newestManifest.name }
      : null;
  const baseBackups = archive.baseBackups.map((backup) => ({
    database: backup.database,
    name: backup.name,
    path: backup.path,
    size: backup.bytes,
    createdAt: backup.startedAt,
    finishedAt: backup.finishedAt,
    sha256: backup.sha256,
    wal: backup.wal,
    ...(backup.damaged ? { damaged: true } : {}),
  }));
  if (context.global.json) {
    reporter.printJson({ database: database.name, window, baseBackups, segments: segments.length });
    return undefined;
  }
  for (const backup of baseBackups) {
    reporter.print(
      `${backup.name}  ${formatBytes(backup.size)}  ${backup.finishedAt}  WAL from ${backup.wal.startSegment}${backup.damaged ? '  DAMAGED' : ''}`,
    );
  }
  reporter.print(
    window
      ? `restorable from ${window.from} to ${window.to} (${segments.length} segments archived, newest ${window.newestSegment})`
      : `nothing restorable yet: ${oldest ? 'no WAL archived' : 'no base backup'} (bk dbbackup -d ${database.name} --physical, archive_command = 'bk wal-push -d ${database.name} %p')`,
  );
  return { window, baseBackups };
}
