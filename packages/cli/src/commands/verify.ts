import { type BackupInfo, BackupNotFoundError, listBackups, validateInputPath, verifyBackup } from '@bk/core';
import { CommandFailedError } from '../command-failed-error.js';
import { createConfiguredStorage } from '../config/create-storage.js';
import { selectDatabases } from '../config/select-databases.js';
import type { CommandContext } from '../context.js';
import { backupJson } from '../output/backup-json.js';
import { formatBytes } from '../output/format.js';
import { serializeError } from '../output/reporter.js';
import { UsageError } from '../usage-error.js';

/** Options of `bk verify`. */
export interface VerifyOptions {
  /** `--physical`: PostgreSQL point-in-time recovery (base backups and WAL). */
  physical?: boolean;
  database?: string;
  inputPath?: string;
  all?: boolean;
}

/**
 * `bk verify`: re-reads backups and checks size and sha256 against their manifests. By default the
 * latest backup of each selected database; `--all` every backup; `-i PATH` one backup.
 */
export async function run(context: CommandContext, options: VerifyOptions) {
  if (options.physical) return (await import('./physical/verify.js')).run(context, options);
  const { reporter, signal } = context;
  if (options.all && options.inputPath !== undefined) {
    throw new UsageError('--input-path and --all cannot be used together');
  }
  const inputPath = options.inputPath === undefined ? undefined : validateInputPath(options.inputPath);
  const config = await context.config();
  const storage = createConfiguredStorage(config);
  // A wrong crypt password lists nothing: check() says so instead of "no backups".
  await storage.check({ signal });
  const selected =
    options.database !== undefined
      ? selectDatabases(config, { names: [options.database], whenNone: 'all' }).map(
          (database) => database.name,
        )
      : undefined;
  const backups = await pickBackups(storage, { selected, inputPath, all: options.all === true, signal });
  if (backups.length === 0) {
    throw new BackupNotFoundError(`no complete backups to verify on ${storage.location}`, {
      hint: 'run bk dbbackup first',
    });
  }

  const good: BackupInfo[] = [];
  const bad: { backup: BackupInfo; error: unknown }[] = [];
  for (const backup of backups) {
    try {
      await verifyBackup({ storage, backup, signal, onEvent: reporter.onEvent });
      good.push(backup);
      reporter.print(
        `ok    ${backup.path}  ${formatBytes(backup.bytes)}  sha256 ${backup.sha256.slice(0, 12)}`,
      );
    } catch (error) {
      if (signal.aborted) throw error;
      bad.push({ backup, error });
      reporter.print(`BAD   ${backup.path}`);
      reporter.error(error);
    }
  }
  const result = {
    verified: good.map(backupJson),
    failed: bad.map(({ backup, error }) => ({ ...backupJson(backup), error: serializeError(error) })),
  };
  if (bad.length > 0) {
    throw new CommandFailedError(
      `${bad.length} of ${backups.length} backup${backups.length === 1 ? '' : 's'} failed verification: ${bad
        .map(({ backup }) => backup.path)
        .join(', ')}`,
      result,
      { hint: 'do not restore these; make a fresh backup with bk dbbackup' },
    );
  }
  return result;
}

/** The backups to verify: the one at `inputPath`, every one (`all`), or the latest of each database. */
async function pickBackups(
  storage: Parameters<typeof listBackups>[0]['storage'],
  selection: {
    selected: string[] | undefined;
    inputPath: string | undefined;
    all: boolean;
    signal: AbortSignal;
  },
): Promise<BackupInfo[]> {
  const { selected, inputPath, all, signal } = selection;
  const listed = (await listBackups({ storage, signal, includeDamaged: true })).filter(
    (backup) => selected === undefined || selected.includes(backup.database),
  );
  if (inputPath !== undefined) {
    const match = listed.find((backup) => backup.path === inputPath || backup.name === inputPath);
    if (!match) {
      throw new BackupNotFoundError(
        `no complete backup ${JSON.stringify(inputPath)}${selected ? ` of ${selected[0]}` : ''} on ${storage.location}`,
      );
    }
    return [match];
  }
  if (all) return listed;
  const latest = new Map<string, BackupInfo>();
  for (const backup of listed) if (!latest.has(backup.database)) latest.set(backup.database, backup);
  return [...latest.values()];
}
