import { type BackupInfo, backupDatabase, ConfigError } from '@bk/core';
import { CommandFailedError } from '../command-failed-error.js';
import { createConfiguredStorage } from '../config/create-storage.js';
import { selectDatabases } from '../config/select-databases.js';
import type { CommandContext } from '../context.js';
import { backupJson } from '../output/backup-json.js';
import { formatBytes, formatDuration } from '../output/format.js';
import { serializeError } from '../output/reporter.js';
import { runPool } from '../run-pool.js';
import { checkDatabases, closeDatabases, openDatabases } from './connectors.js';
import { locked, parseDurationFlag } from './locking.js';

/** Options of `bk dbbackup`. */
export interface DbbackupOptions {
  /** `--physical`: PostgreSQL point-in-time recovery (base backups and WAL). */
  physical?: boolean;
  database?: string[];
  all?: boolean;
  clean?: boolean;
  wait?: string;
}

/** `bk dbbackup`: backs up the selected databases, `db.concurrency` at a time. */
export async function run(context: CommandContext, options: DbbackupOptions) {
  if (options.physical) return (await import('./physical/base-backup.js')).run(context, options);
  const { reporter, signal } = context;
  const config = await context.config();
  const databases = selectDatabases(config, {
    names: options.database,
    all: options.all,
    whenNone: 'single',
    flagHint: 'pass --database NAME (repeatable) or --all',
  });
  const noPolicy = databases.filter((database) => (database.keep ?? config.db.keep) === undefined);
  if (options.clean && noPolicy.length > 0) {
    throw new ConfigError(
      `--clean needs a retention policy, and ${noPolicy.map((database) => database.name).join(', ')} has none`,
      {
        key: 'db.keep',
        hint: 'set db.keep in the config, e.g. { "last": 10 }',
      },
    );
  }
  const waitMs = parseDurationFlag('--wait', options.wait, 0);
  const storage = createConfiguredStorage(config);
  const open = await openDatabases(databases);
  try {
    // The remote and the databases are checked side by side; a remote error is reported first.
    const reachable = checkDatabases(open, signal);
    reachable.catch(() => {});
    await storage.check({ signal });
    const unreachable = await reachable;
    const outcomes = await runPool(
      open,
      config.db.concurrency,
      async ({ database, connector }) => {
        const failure = unreachable.get(database.name);
        if (failure !== undefined) throw failure;
        return locked(storage, database.name, 'backup', waitMs, signal, () =>
          backupDatabase({
            storage,
            connector,
            database: database.name,
            remoteChecked: true,
            countRows: config.db.countRows,
            ...(config.db.filenameTemplate ? { filenameTemplate: config.db.filenameTemplate } : {}),
            ...(options.clean ? { keep: database.keep ?? config.db.keep } : {}),
            signal,
            onEvent: reporter.onEvent,
          }),
        );
      },
      signal,
    );
    if (signal.aborted) throw signal.reason;

    const backups: BackupInfo[] = [];
    const pruned: BackupInfo[] = [];
    const failed: { database: string; error: unknown }[] = [];
    outcomes.forEach((outcome, index) => {
      const name = open[index]?.database.name ?? '';
      if (outcome.status === 'fulfilled') {
        const { backup } = outcome.value;
        backups.push(backup);
        pruned.push(...outcome.value.pruned);
        const took = Date.parse(backup.finishedAt) - Date.parse(backup.startedAt);
        reporter.print(`${name}: ${backup.path}  ${formatBytes(backup.bytes)}  ${formatDuration(took)}`);
        for (const removed of outcome.value.pruned)
          reporter.print(`${name}: removed ${removed.path} (retention)`);
      } else {
        failed.push({ database: name, error: outcome.reason });
      }
    });
    const result = {
      backups: backups.map(backupJson),
      pruned: pruned.map(backupJson),
      failed: failed.map(({ database, error }) => ({ database, error: serializeError(error) })),
    };
    if (failed.length === 1 && open.length === 1) throw failed[0]?.error;
    for (const { database, error } of failed) reporter.error(error, `${database}: `);
    if (failed.length > 0) {
      throw new CommandFailedError(
        `${failed.length} of ${open.length} backups failed: ${failed.map(({ database }) => database).join(', ')}`,
        result,
        { hint: 'the other backups completed; fix the failures above and run bk dbbackup -d NAME again' },
      );
    }
    return result;
  } finally {
    await closeDatabases(open);
  }
}
