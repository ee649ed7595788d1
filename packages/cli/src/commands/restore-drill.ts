import { resolve } from 'node:path';
import {
  type Connector,
  compareRowCounts,
  findBackup,
  type RowCountDifference,
  validateInputPath,
} from '@bk/core';
import { CommandFailedError } from '../command-failed-error.js';
import { createConnector } from '../config/create-connector.js';
import { createConfiguredStorage } from '../config/create-storage.js';
import { interpolateEnv } from '../config/interpolate.js';
import { connectorForUrl } from '../config/schema.js';
import { selectDatabases } from '../config/select-databases.js';
import type { ResolvedDatabase } from '../config/types.js';
import type { CommandContext } from '../context.js';
import { backupJson } from '../output/backup-json.js';
import { formatTable } from '../output/format.js';
import { UsageError } from '../usage-error.js';
import { confirmAndRestore } from './confirm-and-restore.js';
import { closeDatabases, type OpenDatabase } from './connectors.js';
import type { DbrestoreOptions } from './dbrestore.js';
import { findConfiguredTwin } from './target-identity.js';

/** Planner estimates are compared with this tolerance (`--estimate`). */
const ESTIMATE_TOLERANCE = 0.1;

async function scratchDatabase(live: ResolvedDatabase, url: string): Promise<ResolvedDatabase> {
  const connector = connectorForUrl(url);
  if (connector === undefined) {
    throw new UsageError(`--to: expected a postgres://, mysql://, mariadb://, sqlite: or mongodb:// URL`);
  }
  if (connector !== live.connector) {
    throw new UsageError(
      `--to: a ${connector} URL cannot receive a backup of "${live.name}" (${live.connector})`,
    );
  }
  if (connector === 'sqlite') {
    const { parseSqliteUrl } = await import('@bk/connector-sqlite');
    return { name: live.name, connector, options: { path: resolve(parseSqliteUrl(url.trim())) } };
  }
  return { name: live.name, connector, options: { url } };
}

/**
 * `bk dbrestore --to URL [--check]`: a restore drill. Restores the backup into a scratch database
 * (never the configured one), then with `--check` compares per-table row counts with those the
 * manifest recorded at backup time, prints the differences and fails (exit 1) when there are any.
 */
export async function runDrill(
  context: CommandContext,
  options: DbrestoreOptions & { to: string },
  waitMs: number,
) {
  const { reporter, signal } = context;
  const inputPath = options.inputPath === undefined ? undefined : validateInputPath(options.inputPath);
  const config = await context.config();
  const [database] = selectDatabases(config, {
    names: options.database === undefined ? [] : [options.database],
    whenNone: 'single',
  });
  if (!database) throw new UsageError('no database selected');
  // `--to 'postgres://app:${SCRATCH_PASSWORD}@db/scratch'`: the password comes from the environment,
  // so it never sits in bk's own argv.
  const scratch = await scratchDatabase(database, interpolateEnv(options.to, process.env, '--to') as string);
  const storage = createConfiguredStorage(config);
  const connector = await createConnector(scratch);
  const open: OpenDatabase[] = [{ database: scratch, connector }];
  try {
    await refuseConfiguredTarget(context, config.databases, scratch, connector, options);
    if (options.check && !connector.capabilities.rowCounts) {
      throw new UsageError(`--check: the ${connector.id} connector cannot count rows`);
    }
    await storage.check({ signal });
    const backup = await findBackup({
      storage,
      database: database.name,
      ...(inputPath !== undefined ? { inputPath } : {}),
      signal,
    });
    if (options.check && backup.rowCounts === undefined) {
      throw new UsageError(`--check: backup ${backup.name} recorded no row counts`, {
        hint: 'row counts are recorded when the connector can count rows; drill without --check',
      });
    }
    // The scratch database need not exist: a connector with createDatabase creates it once the
    // user said yes, or checks the one that exists (failing clearly when it is unusable or the
    // server cannot be reached) before anything is restored; any other is checked now.
    const createScratch = connector.createDatabase?.bind(connector);
    let created = false;
    if (createScratch === undefined) await connector.check({ signal });
    const restored = await confirmAndRestore(context, {
      storage,
      connector,
      database: database.name,
      backup,
      waitMs,
      lockLabel: 'restore drill',
      ...(createScratch === undefined
        ? {}
        : {
            prepare: async () => {
              created = await createScratch({ signal });
              if (created) {
                reporter.print(`${database.name}: created the scratch database ${connector.target}`);
              }
            },
          }),
      into: ` into ${connector.target}`,
      question:
        options.noinput === true
          ? undefined
          : `Restore ${backup.name} into the scratch database ${connector.target}${createScratch === undefined ? '' : ' (created if it does not exist)'}? This replaces its contents.`,
    });
    if (!restored) {
      reporter.print('drill cancelled; nothing was changed');
      return { restored: null, cancelled: true };
    }
    const result: Record<string, unknown> = {
      restored: backupJson(restored.backup),
      target: connector.target,
      createdDatabase: created,
      bytes: restored.bytes,
      durationMs: restored.durationMs,
    };
    if (!options.check) return result;
    const estimate = options.estimate === true;
    const counted = await connector.rowCounts!({ signal, estimate });
    const differences = compareRowCounts(backup.rowCounts ?? {}, counted, {
      tolerance: estimate ? ESTIMATE_TOLERANCE : 0,
    });
    result.tables = Object.keys(counted).length;
    result.differences = differences;
    if (differences.length === 0) {
      const tables = Object.keys(counted).length;
      reporter.print(`${database.name}: row counts match in ${tables} table${tables === 1 ? '' : 's'}`);
      return result;
    }
    for (const line of formatTable([['table', 'manifest', 'restored'], ...differences.map(row)])) {
      reporter.print(line);
    }
    throw new CommandFailedError(
      `row counts differ in ${differences.length} table${differences.length === 1 ? '' : 's'} of the restored copy of ${backup.name}: ${differences
        .map((difference) => difference.table)
        .join(', ')}`,
      result,
      { hint: 'the backup does not hold what the database held; keep the scratch copy and investigate' },
    );
  } finally {
    await closeDatabases(open);
  }
}

/**
 * The drill writes only into a database that is none of the configured ones, whatever the spelling
 * of `--to`: what the server or the filesystem reports decides ({@link findConfiguredTwin}). When
 * that cannot be proved (a connector without `identity()`, a configured database that cannot be
 * asked), the drill refuses unless `--trust-target`.
 */
async function refuseConfiguredTarget(
  context: CommandContext,
  databases: readonly ResolvedDatabase[],
  scratch: ResolvedDatabase,
  connector: Connector,
  options: DbrestoreOptions,
): Promise<void> {
  const { twin, unverified } = await findConfiguredTwin({
    candidate: connector,
    candidateDatabase: scratch,
    databases,
    signal: context.signal,
  });
  if (twin !== undefined) {
    throw new UsageError(
      `--to ${connector.target} is the configured database "${twin.database.name}" (${twin.target}): a drill never restores into a configured database`,
      { hint: 'give --to a scratch database that is not in the configuration' },
    );
  }
  if (unverified.length === 0) return;
  if (options.trustTarget !== true) {
    throw new UsageError(
      `--to: bk cannot prove that ${connector.target} is not a configured database: ${unverified.join('; ')}`,
      {
        hint: 'pass --trust-target to restore into it anyway, once you are sure it is a scratch database',
      },
    );
  }
  context.reporter.warn(`--trust-target: ${unverified.join('; ')}`);
}

function row(difference: RowCountDifference): string[] {
  const show = (value: number | undefined) => (value === undefined ? 'missing' : String(value));
  return [difference.table, show(difference.expected), show(difference.actual)];
}
