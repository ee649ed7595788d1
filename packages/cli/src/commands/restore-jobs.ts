import type { PgConnector, PgParallelRestoreResult } from '@bk/connector-pg';
import { ConfigError, type Connector, type Storage } from '@bk/core';
import { importIfInstalled } from '../config/connector-package.js';
import type { ResolvedDatabase } from '../config/types.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../usage-error.js';

/** Most sessions a restore may use (the same bound as `restorePgParallel`). */
export const MAX_JOBS = 64;

const isJobs = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_JOBS;

/**
 * Parses `--jobs <n>`: a whole number from 1 to {@link MAX_JOBS}, or `undefined` when not given.
 *
 * @throws {@link UsageError} naming the bad value.
 */
export function parseJobsFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const jobs = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!isJobs(jobs)) {
    throw new UsageError(
      `--jobs: expected a whole number from 1 to ${MAX_JOBS}, got ${JSON.stringify(value)}`,
      {
        hint: 'use --jobs 1 for the single-session restore, 2 or more for a parallel PostgreSQL restore',
      },
    );
  }
  return jobs;
}

/** A parallel restore to run: the PostgreSQL connector and its number of sessions. */
export interface ParallelRestore {
  connector: PgConnector;
  jobs: number;
}

/**
 * Decides how `bk dbrestore` restores `database`: `undefined` for the single-session restore, or the
 * sessions of a parallel PostgreSQL restore. The number of sessions is `--jobs`, else the database's
 * `parallelRestore` option; 1 means one session. Checked before anything is read or asked.
 *
 * @throws {@link UsageError} for `--jobs` of 2 or more on another connector;
 * `ConfigError` for a bad `parallelRestore` or a connector a parallel restore cannot serve (PostGIS,
 * `restoreSchemas`, `restoreTables`).
 */
export async function planRestoreJobs(
  database: ResolvedDatabase,
  connector: Connector,
  flag: number | undefined,
): Promise<ParallelRestore | undefined> {
  // A PostgreSQL-only feature: without @bk/connector-pg installed, no connector can be a PgConnector.
  const pgPackage = await importIfInstalled('@bk/connector-pg', () => import('@bk/connector-pg'));
  const pg = pgPackage !== undefined && connector instanceof pgPackage.PgConnector ? connector : undefined;
  const key = `databases.${database.name}.parallelRestore`;
  const configured = pg?.options.parallelRestore;
  if (flag === undefined && configured !== undefined && !isJobs(configured)) {
    throw new ConfigError(
      `expected a whole number from 1 to ${MAX_JOBS}, got ${JSON.stringify(configured)}`,
      {
        key,
        hint: 'set parallelRestore to 1 (one session) or the number of sessions, or remove it',
      },
    );
  }
  const jobs = flag ?? configured ?? 1;
  if (jobs < 2) return undefined;
  if (!pg) {
    throw new UsageError(
      `--jobs ${jobs}: "${database.name}" uses the ${connector.id} connector; only PostgreSQL restores in parallel`,
      { hint: 'drop --jobs (or pass --jobs 1) to restore with one session' },
    );
  }
  const { postgis, restoreSchemas, restoreTables } = pg.options;
  if (postgis || (restoreSchemas?.length ?? 0) > 0 || (restoreTables?.length ?? 0) > 0) {
    const message = `a parallel restore replaces the whole database, so it cannot be combined with the postgis, restoreSchemas or restoreTables options of databases.${database.name}`;
    const hint = 'restore with one session (one transaction)';
    if (flag !== undefined) throw new UsageError(`--jobs ${jobs}: ${message}`, { hint: `${hint}: --jobs 1` });
    throw new ConfigError(message, { key, hint: `${hint}: remove parallelRestore or pass --jobs 1` });
  }
  return { connector: pg, jobs };
}

/**
 * Runs `restorePgParallel` for `bk dbrestore`: the same events as the single-session restore go to
 * the reporter, and the result carries `jobs` and `reads` besides `bytes` and `durationMs`.
 */
export async function restoreInParallel(
  context: CommandContext,
  parallel: ParallelRestore,
  storage: Storage,
  database: string,
  inputPath: string,
): Promise<PgParallelRestoreResult> {
  const { restorePgParallel } = await import('@bk/connector-pg');
  return restorePgParallel({
    storage,
    connector: parallel.connector,
    database,
    inputPath,
    jobs: parallel.jobs,
    signal: context.signal,
    onEvent: context.reporter.onEvent,
  });
}
