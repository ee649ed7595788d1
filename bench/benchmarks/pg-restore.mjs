import { join } from 'node:path';
import { compare, comparisonTable, PG_ENV, RESTORE_STREAM } from '../lib/context.mjs';
import { ensurePgbench } from '../lib/data.mjs';

/** PostgreSQL restore: bk dbrestore (one session) and bk dbrestore --jobs 2 vs `rclone cat | pg_restore --single-transaction`. */
export async function run(context) {
  const scale = context.quick ? 1 : 100;
  const source = context.quick ? 'bench_quick' : 'bench';
  const target = `${source}_restore`;
  const jobs = 2;
  const partitions = 4;
  const split = `${source}_parts`;
  const splitTarget = `${split}_restore`;
  await ensurePgbench(source, scale, context.log);
  await ensurePgbench(split, scale, context.log, partitions);
  const remote = join(context.dir, 'remote');
  const url = (database) => `postgres://postgres@127.0.0.1:5432/${database}`;
  const backupConfig = await context.config('bk.backup.json', { remote, databases: { bench: url(source) } });
  const restoreConfig = await context.config('bk.restore.json', {
    remote,
    databases: { bench: url(target) },
  });
  const splitRestoreConfig = await context.config('bk.split-restore.json', {
    remote,
    databases: { split: url(splitTarget) },
  });
  context.log('making the backups to restore (untimed)');
  await context.bk(['dbbackup', '--quiet', '--config', backupConfig]);
  await context.bk([
    'dbbackup',
    '--quiet',
    '--config',
    await context.config('bk.split-backup.json', { remote, databases: { split: url(split) } }),
  ]);
  // The raw pipelines read the very archives bk made (bk stores pg_dump -Fc's bytes as they are).
  const archive = async (name) =>
    (await context.shell(`ls ${join(remote, 'db')}/${name}-*.pgdump`)).stdout.trim().split('\n')[0];
  const rawObject = await archive('bench');
  const rawSplitObject = await archive('split');
  // pg_restore --clean cannot replace partitioned tables ("cannot drop inherited constraint"), so
  // the raw pipeline restores into a database created just before (untimed).
  const rawSplitRestore = `rclone cat ${rawSplitObject} | pg_restore --single-transaction --exit-on-error -d ${splitTarget}`;
  const rawRestore = `rclone cat ${rawObject} | pg_restore --single-transaction --exit-on-error --clean --if-exists -d ${target}`;
  const freshSplitTarget = () =>
    context.shell(`dropdb --if-exists --force ${splitTarget} && createdb ${splitTarget}`, { env: PG_ENV });
  await freshSplitTarget();
  await context.shell(rawSplitRestore, { env: PG_ENV });
  // Every timed restore replaces a populated database.
  await context.shell(`dropdb --if-exists --force ${target} && createdb ${target} && ${rawRestore}`, {
    env: PG_ENV,
  });
  /** The variant `bk dbrestore --jobs <jobs>` against the database of `config`. */
  const parallel = (config) => ({
    stream: RESTORE_STREAM,
    run: () =>
      context.bk(['dbrestore', '--noinput', '--verbose', '--jobs', String(jobs), '--config', config]),
  });
  const rows = await compare(context, [
    {
      label: 'restore (-Z6 archive)',
      variants: {
        bk: {
          stream: RESTORE_STREAM,
          run: () => context.bk(['dbrestore', '--noinput', '--verbose', '--config', restoreConfig]),
        },
        raw: { run: () => context.shell(rawRestore, { env: PG_ENV }) },
        // One big table gains nothing from two data sessions (see BENCHMARKS.md): extended runs only.
        ...(context.extended ? { [`bk parallel, ${jobs} jobs`]: parallel(restoreConfig) } : {}),
      },
    },
    {
      label: `restore, pgbench_accounts in ${partitions} partitions`,
      variants: {
        [`bk parallel, ${jobs} jobs`]: parallel(splitRestoreConfig),
        raw: { before: freshSplitTarget, run: () => context.shell(rawSplitRestore, { env: PG_ENV }) },
      },
    },
  ]);
  await context.shell(`dropdb --if-exists --force ${splitTarget}`, { env: PG_ENV });
  return [
    `pgbench scale ${scale} restored into a populated database, local rclone remote.`,
    'raw: `rclone cat x.pgdump | pg_restore --single-transaction --exit-on-error --clean --if-exists -d target`, reading the same archive bk restores.',
    'bk: `bk dbrestore --noinput` (one pg_restore session, same flags, sha256 verified before the end of input reaches pg_restore).',
    `bk parallel: \`bk dbrestore --noinput --jobs ${jobs}\` (restorePgParallel from @bk/connector-pg: scratch database, ${jobs} data sessions each reading and verifying the backup, parallel index builds, swap by rename).`,
    `Partitioned case: \`pgbench -i -s ${scale} --partitions ${partitions}\` (the same rows in ${partitions} tables). Its raw pipeline restores into a new, empty database (dropped and created untimed before each run): \`pg_restore --clean\` cannot replace partitioned tables ("cannot drop inherited constraint"), and neither can \`bk dbrestore\` in one session, which uses it; the parallel path restores into a scratch database and swaps it in, so it replaces them.`,
    '',
    comparisonTable(rows),
  ].join('\n');
}
