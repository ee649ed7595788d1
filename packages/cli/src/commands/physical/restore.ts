import { chmod, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { checkWalContinuity, extractBaseBackup, quoteShellWord, writeRecoveryConfig } from '@bk/connector-pg';
import {
  BackupNotFoundError,
  BkError,
  ConfigError,
  IntegrityError,
  type ListedBaseBackup,
  listWalArchive,
  readBaseBackup,
} from '@bk/core';
import { createConfiguredStorage } from '../../config/create-storage.js';
import type { CommandContext } from '../../context.js';
import { formatBytes } from '../../output/format.js';
import { UsageError } from '../../usage-error.js';
import { selectPgDatabase } from './pg-database.js';
import { parseRecoveryTarget, type RecoveryTarget } from './restore-target-time.js';

/** Options of `bk dbrestore --physical`. */
export interface PhysicalRestoreOptions {
  database?: string;
  noinput?: boolean;
  at?: string;
  dataDir?: string;
}

async function checkEmptyDirectory(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new UsageError(`--data-dir ${dir} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  if (entries.length > 0) {
    throw new UsageError(
      `--data-dir ${dir} is not empty (${entries.length} entries): bk restores into an empty directory only`,
      {
        hint: 'stop the cluster and move its data directory aside, or give a new directory',
      },
    );
  }
}

/** The newest intact base backup that finished before the target (any, without a target). */
function chooseBaseBackup(
  backups: readonly ListedBaseBackup[],
  target: RecoveryTarget | undefined,
): ListedBaseBackup {
  const eligible = backups.filter(
    (backup) => target === undefined || Date.parse(backup.finishedAt) <= target.epochMs,
  );
  const [chosen] = eligible;
  if (!chosen) {
    throw new BackupNotFoundError(
      target === undefined
        ? 'no base backup in the archive'
        : `no base backup finished before ${target.text} (the oldest finished ${backups.at(-1)?.finishedAt ?? 'never'})`,
      {
        hint: 'run bk dbbackup -d NAME --physical; see the restorable window with bk listbackups --physical',
      },
    );
  }
  if (chosen.damaged) {
    throw new IntegrityError(
      chosen.path,
      chosen,
      { bytes: chosen.damaged.storedBytes ?? -1, sha256: '' },
      {
        hint: 'pick an earlier --at, and run bk verify --physical',
      },
    );
  }
  return chosen;
}

/** The `restore_command` calling this very bk (node, script, config file: absolute paths). */
function restoreCommand(configFile: string, database: string): string {
  const script = process.argv[1];
  if (!script) throw new ConfigError('cannot tell where the bk script is');
  return [
    process.execPath,
    resolve(script),
    '--quiet',
    '--config',
    resolve(configFile),
    'wal-fetch',
    '-d',
    database,
  ]
    .map(quoteShellWord)
    .concat(['%f', '%p'])
    .join(' ');
}

/**
 * `bk dbrestore --physical --data-dir DIR [--at TIME]`: writes the newest base backup that finished
 * before TIME into an empty directory, verifies its sha256, and configures recovery through
 * `bk wal-fetch` up to TIME (or to the end of the archive). The cluster is then ready to start.
 */
export async function run(context: CommandContext, options: PhysicalRestoreOptions) {
  const { signal, reporter } = context;
  if (options.dataDir === undefined || options.dataDir === '') {
    throw new UsageError('--physical needs --data-dir DIR: the empty directory to restore the cluster into');
  }
  const target = options.at === undefined ? undefined : parseRecoveryTarget(options.at);
  const interactive = options.noinput !== true;
  if (interactive && (!process.stdin.isTTY || context.global.json)) {
    throw new UsageError('bk cannot ask before restoring here: pass --noinput');
  }
  const dir = resolve(options.dataDir);
  await checkEmptyDirectory(dir);
  const config = await context.config();
  const database = selectPgDatabase(config, options.database);
  if (config.file === undefined) {
    throw new ConfigError('restore_command needs a config file to find the archive', {
      key: '--config',
      hint: 'write bk.config.json (remote, databases) and pass --config FILE',
    });
  }
  const storage = createConfiguredStorage(config);
  await storage.check({ signal });
  const archive = await listWalArchive({ storage, database: database.name, signal });
  const backup = chooseBaseBackup(archive.baseBackups, target);
  const needed = checkWalContinuity(backup.wal.startSegment, archive.files.keys(), backup.wal.segmentSize);
  const reaches = needed.newest !== undefined && needed.newest >= backup.wal.endSegment;
  const firstGap = needed.gaps.find((gap) => gap.first <= backup.wal.endSegment);
  if (!reaches || firstGap) {
    throw new BkError(
      'BK_WAL_GAP',
      `base backup ${backup.name} needs WAL ${backup.wal.startSegment}..${backup.wal.endSegment}, and ${firstGap ? `${firstGap.first} is missing` : 'the archive ends before it'}`,
      { hint: 'check archive_command in the server log; pick another --at; run bk verify --physical' },
    );
  }
  if (interactive) {
    const { confirm } = await import('@inquirer/prompts');
    const yes = await confirm({
      message: `Restore ${backup.name} (${formatBytes(backup.bytes)}) into ${dir} and recover to ${target?.text ?? 'the end of the archive'}?`,
      default: false,
    });
    if (!yes) {
      reporter.print('restore cancelled; nothing was changed');
      return { restored: null, cancelled: true };
    }
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const info = await stat(dir);
  const owner = process.getuid?.() === 0 ? { uid: info.uid, gid: info.gid } : undefined;
  try {
    const pipe = new PassThrough();
    // Both settle before anything else happens: the extractor may still be closing files when the
    // download fails, and the clean-up below must not race it.
    const [downloaded, extracted] = await Promise.allSettled([
      readBaseBackup({ storage, backup, sink: pipe, signal }),
      extractBaseBackup(pipe, { dir, ...(owner ? { owner } : {}) }),
    ]);
    if (downloaded.status === 'rejected') throw downloaded.reason;
    if (extracted.status === 'rejected') throw extracted.reason;
    const bytes = downloaded.value;
    await writeRecoveryConfig({
      dir,
      restoreCommand: restoreCommand(config.file, database.name),
      ...(target ? { targetTime: target.text } : {}),
      ...(owner ? { owner } : {}),
    });
    reporter.print(
      `${database.name}: restored ${backup.name} (${formatBytes(bytes)}, sha256 verified) into ${dir}; recovery to ${target?.text ?? 'the end of the archive'} is configured: start the cluster (pg_ctl -D ${dir} start)`,
    );
    return { restored: backup.path, dataDir: dir, target: target?.text ?? null, bytes };
  } catch (error) {
    // Whatever was extracted is garbage: the directory goes back to empty.
    for (const entry of await readdir(dir).catch(() => []))
      await rm(resolve(dir, entry), { recursive: true, force: true });
    throw error;
  }
}
