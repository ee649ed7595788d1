import { type Connector, findBackup, ProcessError, validateInputPath } from '@bk/core';
import { createConfiguredStorage } from '../config/create-storage.js';
import { selectDatabases } from '../config/select-databases.js';
import type { ResolvedDatabase } from '../config/types.js';
import type { CommandContext } from '../context.js';
import { backupJson } from '../output/backup-json.js';
import { formatBytes } from '../output/format.js';
import { UsageError } from '../usage-error.js';
import { confirmAndRestore } from './confirm-and-restore.js';
import { checkDatabases, closeDatabases, openDatabases } from './connectors.js';
import { parseDurationFlag } from './locking.js';
import { parseJobsFlag, planRestoreJobs, restoreInParallel } from './restore-jobs.js';
import { findConfiguredTwin } from './target-identity.js';

/** Options of `bk dbrestore`. */
export interface DbrestoreOptions {
  database?: string;
  inputPath?: string;
  /** `--physical`: restore a base backup and configure point-in-time recovery. */
  physical?: boolean;
  /** `--at TIME`: the recovery target (with `--physical`). */
  at?: string;
  /** `--data-dir DIR`: the empty directory to restore the cluster into (with `--physical`). */
  dataDir?: string;
  noinput?: boolean;
  /** `--create`: create the database first when it does not exist (connectors with `createDatabase`). */
  create?: boolean;
  /** `--to URL`: a restore drill into a scratch database. */
  to?: string;
  check?: boolean;
  estimate?: boolean;
  wait?: string;
  /** `--jobs N`: sessions of a PostgreSQL restore (2 or more restore in parallel). */
  jobs?: string;
  /**
   * `--trust-target`: let the drill write into `--to` even when bk cannot prove it is
   * not a configured database (a connector without `identity()`, a configured database that cannot
   * be asked).
   */
  trustTarget?: boolean;
}

/** `bk dbrestore`: restores the latest (or the given) backup, after asking unless `--noinput`. */
export async function run(context: CommandContext, options: DbrestoreOptions) {
  if (options.physical) return (await import('./physical/restore.js')).run(context, options);
  if (options.at !== undefined || options.dataDir !== undefined) {
    throw new UsageError('--at and --data-dir restore a PostgreSQL cluster to a moment: pass --physical too');
  }
  const { signal } = context;
  const interactive = options.noinput !== true;
  if (interactive && !process.stdin.isTTY) {
    throw new UsageError(
      'stdin is not a terminal, so bk cannot ask before restoring: pass --noinput to restore',
      {
        hint: 'bk dbrestore --noinput replaces the database without asking',
      },
    );
  }
  if (interactive && context.global.json) {
    throw new UsageError('--json cannot be used with a confirmation prompt: pass --noinput too');
  }
  const waitMs = parseDurationFlag('--wait', options.wait, 0);
  const jobsFlag = parseJobsFlag(options.jobs);
  if (options.to !== undefined && jobsFlag !== undefined) {
    throw new UsageError('--jobs cannot be used with --to: a restore drill restores with one session', {
      hint: 'drop --jobs to drill, or restore the configured database with --jobs',
    });
  }
  if (options.to !== undefined)
    return (await import('./restore-drill.js')).runDrill(context, { ...options, to: options.to }, waitMs);
  if (options.check || options.estimate) {
    throw new UsageError('--check and --estimate need --to URL (a scratch database to restore into)');
  }
  const inputPath = options.inputPath === undefined ? undefined : validateInputPath(options.inputPath);
  const config = await context.config();
  const [database] = selectDatabases(config, {
    names: options.database === undefined ? [] : [options.database],
    whenNone: 'single',
  });
  if (!database) throw new UsageError('no database selected');
  const storage = createConfiguredStorage(config);
  const open = await openDatabases([database]);
  try {
    const connector = open[0]!.connector;
    const parallel = await planRestoreJobs(database, connector, jobsFlag);
    // --create: the database may not exist yet, so it is not checked now; createDatabase connects
    // (and fails clearly) once the user said yes. Else the remote and the database are checked side
    // by side, and a remote error is reported first.
    const create = options.create === true ? connector.createDatabase?.bind(connector) : undefined;
    let created = false;
    const reachable = create ? Promise.resolve(new Map<string, unknown>()) : checkDatabases(open, signal);
    reachable.catch(() => {});
    await storage.check({ signal });
    const backup = await findBackup({
      storage,
      database: database.name,
      ...(inputPath !== undefined ? { inputPath } : {}),
      signal,
    });
    const unreachable = await reachable;
    if (unreachable.has(database.name)) {
      const error = unreachable.get(database.name);
      // The connector's own hint (wrong password, ...) stays first.
      const create = 'if the database does not exist yet (a new server, a lost file), pass --create';
      throw connector.createDatabase !== undefined && ProcessError.isInstance(error)
        ? error.withHint(
            error.hint ? `${error.hint}; ${create}` : `${create}; else fix what the tool’s own error names`,
          )
        : error;
    }
    await refuseAliasRestore(database, connector, config.databases, signal);
    const plan = {
      storage,
      connector,
      database: database.name,
      backup,
      waitMs,
      lockLabel: 'restore',
      ...(create === undefined
        ? {}
        : {
            prepare: async () => {
              created = await create({ signal });
              if (created) context.reporter.print(`${database.name}: created database ${connector.target}`);
            },
          }),
      question: interactive
        ? `Restore ${backup.name} (${formatBytes(backup.bytes)}, ${backup.startedAt}) into ${database.name} (${connector.target}${create ? ', created if it does not exist' : ''})${parallel ? ` with ${parallel.jobs} sessions` : ''}? This replaces its current contents.`
        : undefined,
    };
    if (parallel) {
      const restored = await confirmAndRestore(context, {
        ...plan,
        restore: () => restoreInParallel(context, parallel, storage, database.name, backup.path),
      });
      if (!restored) return cancelled(context);
      return {
        restored: backupJson(restored.backup),
        createdDatabase: created,
        bytes: restored.bytes,
        durationMs: restored.durationMs,
        jobs: restored.jobs,
        reads: restored.reads,
      };
    }
    const restored = await confirmAndRestore(context, plan);
    if (!restored) return cancelled(context);
    return {
      restored: backupJson(restored.backup),
      createdDatabase: created,
      bytes: restored.bytes,
      durationMs: restored.durationMs,
    };
  } finally {
    await closeDatabases(open);
  }
}

/**
 * A configured database that another configured entry reaches too (`localhost` in one, `127.0.0.1`
 * in the other; a symlink) is never restored into: the restore would replace the other one's data.
 * Decided from what the servers report ({@link findConfiguredTwin}); when the database cannot be
 * asked (it does not exist on a new server), the restore goes on and fails or creates as it would.
 */
async function refuseAliasRestore(
  database: ResolvedDatabase,
  connector: Connector,
  databases: readonly ResolvedDatabase[],
  signal: AbortSignal,
): Promise<void> {
  const search = await findConfiguredTwin({
    candidate: connector,
    candidateDatabase: database,
    databases,
    skip: database.name,
    signal,
  }).catch(() => undefined);
  const twin = search?.twin;
  if (twin === undefined) return;
  throw new UsageError(
    `databases.${database.name} (${connector.target}) is the configured database "${twin.database.name}" (${twin.target}) spelled another way: restoring "${database.name}" would replace it`,
    { hint: 'keep one entry per database in the configuration: both back up and restore the same data' },
  );
}

function cancelled(context: CommandContext) {
  context.reporter.print('restore cancelled; nothing was changed');
  return { restored: null, cancelled: true };
}
