import { checkWalContinuity, parseWalFileName, type WalContinuity } from '@bk/connector-pg';
import { BkError, listWalArchive } from '@bk/core';
import { createConfiguredStorage } from '../../config/create-storage.js';
import type { CommandContext } from '../../context.js';
import { selectPgDatabase } from './pg-database.js';

/** Options of `bk verify --physical`. */
export interface PhysicalVerifyOptions {
  database?: string;
}

/**
 * `bk verify --physical`: checks that the WAL from each base backup's start to the newest archived
 * segment of its timeline is continuous, that each segment has the recorded segment size, and that
 * each base backup's object matches its manifest's size. Exits 1 on any gap or damage.
 */
export async function run(context: CommandContext, options: PhysicalVerifyOptions) {
  const { signal, reporter } = context;
  const config = await context.config();
  const database = selectPgDatabase(config, options.database);
  const storage = createConfiguredStorage(config);
  await storage.check({ signal });
  const archive = await listWalArchive({ storage, database: database.name, signal });
  const problems: string[] = [];
  const results: (WalContinuity & { backup: string })[] = [];
  for (const backup of archive.baseBackups) {
    if (backup.damaged)
      problems.push(
        `${backup.path}: stored size ${backup.damaged.storedBytes ?? 'missing'}, manifest says ${backup.bytes}`,
      );
    const continuity = checkWalContinuity(
      backup.wal.startSegment,
      archive.files.keys(),
      backup.wal.segmentSize,
    );
    results.push({ ...continuity, backup: backup.name });
    for (const gap of continuity.gaps)
      problems.push(
        `${backup.name}: WAL ${gap.first}..${gap.last} missing (${gap.count} segment${gap.count === 1 ? '' : 's'})`,
      );
    if (continuity.newest !== undefined && continuity.newest < backup.wal.endSegment) {
      problems.push(
        `${backup.name}: the archive ends at ${continuity.newest}, before ${backup.wal.endSegment} which the backup needs`,
      );
    }
    if (continuity.gaps.length === 0)
      reporter.print(`ok    ${backup.name}  WAL ${continuity.from}..${continuity.newest} continuous`);
  }
  const segmentSize = archive.baseBackups[0]?.wal.segmentSize;
  for (const file of archive.files.values()) {
    if (
      segmentSize !== undefined &&
      parseWalFileName(file.name)?.kind === 'segment' &&
      file.size !== segmentSize
    ) {
      problems.push(`${file.name}: ${file.size} bytes, a segment has ${segmentSize}`);
    }
  }
  if (archive.baseBackups.length === 0)
    problems.push(`no base backup of "${database.name}": run bk dbbackup -d ${database.name} --physical`);
  for (const problem of problems) reporter.print(`BAD   ${problem}`);
  const result = { database: database.name, checks: results, problems };
  if (problems.length > 0) {
    throw new BkError(
      'BK_WAL_GAP',
      `the WAL archive of "${database.name}" has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems[0]}`,
      {
        hint: 'check archive_command in the server log; take a new base backup (bk dbbackup --physical)',
      },
    );
  }
  return result;
}
