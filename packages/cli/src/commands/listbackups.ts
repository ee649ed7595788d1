import { listBackups } from '@bk/core';
import { createConfiguredStorage } from '../config/create-storage.js';
import { selectDatabases } from '../config/select-databases.js';
import type { CommandContext } from '../context.js';
import { backupJson } from '../output/backup-json.js';
import { formatBytes, formatTable } from '../output/format.js';
import { UsageError } from '../usage-error.js';

/** Options of `bk listbackups`. */
export interface ListbackupsOptions {
  /** `--physical`: PostgreSQL point-in-time recovery (base backups and WAL). */
  physical?: boolean;
  database?: string;
  media?: boolean;
  maxAge?: string;
}

/** `bk listbackups`: complete backups, newest first; `--json` prints exactly a JSON array. */
export async function run(context: CommandContext, options: ListbackupsOptions) {
  if (options.physical) return (await import('./physical/list.js')).run(context, options);
  if (options.media) {
    if (options.database !== undefined) {
      throw new UsageError('--database does not apply to --media: media snapshots belong to no database', {
        hint: 'run bk listbackups --media without -d',
      });
    }
    const { listMedia } = await import('./listbackups-media.js');
    return listMedia(context, options.maxAge);
  }
  if (options.maxAge !== undefined) {
    const { parseMaxAge } = await import('../ops/check-freshness.js');
    parseMaxAge(options.maxAge);
  }
  const { reporter, signal } = context;
  const config = await context.config();
  const names =
    options.database === undefined
      ? undefined
      : selectDatabases(config, { names: [options.database], whenNone: 'all' }).map(
          (database) => database.name,
        );
  const storage = createConfiguredStorage(config);
  // A wrong crypt password lists nothing: check() says so instead of "no backups".
  await storage.check({ signal });
  const backups = await listBackups({ storage, ...(names ? { database: names[0] } : {}), signal });
  const checkAge = async () => {
    if (options.maxAge === undefined) return;
    const { checkFreshness } = await import('../ops/check-freshness.js');
    checkFreshness(context, config, names, backups, options.maxAge);
  };
  if (reporter.json) {
    reporter.printJson(backups.map(backupJson));
    await checkAge();
    return undefined;
  }
  if (backups.length === 0) {
    reporter.note(`no backups${names ? ` of ${names[0]}` : ''} on ${storage.location}`);
    await checkAge();
    return undefined;
  }
  const rows = backups.map((backup) => [
    backup.database,
    backup.startedAt.replace(/\.\d+Z$/, 'Z'),
    formatBytes(backup.bytes),
    backup.connector,
    backup.future ? `${backup.path} (${backup.future.reason}: never "latest")` : backup.path,
  ]);
  for (const backup of backups.filter((entry) => entry.future)) {
    reporter.warn(`${backup.name} is ${backup.future!.reason}: not used as "latest", kept by retention`);
  }
  for (const line of formatTable([['DATABASE', 'CREATED', 'SIZE', 'CONNECTOR', 'PATH'], ...rows]))
    reporter.print(line);
  await checkAge();
  return undefined;
}
