import { join } from 'node:path';
import { BACKUP_STREAM, compare, comparisonTable, MYSQL_ARGS, RESTORE_STREAM } from '../lib/context.mjs';
import { ensureMariadb } from '../lib/data.mjs';

/** MariaDB backup and restore of a 10M-row table vs `mysqldump --single-transaction | rclone rcat` and back. */
export async function run(context) {
  const rows = context.quick ? 20_000 : 10_000_000;
  const source = context.quick ? 'bk_bench_quick' : 'bk_bench';
  const target = `${source}_restore`;
  await ensureMariadb(source, rows, context.log);
  await context.shell(`mariadb ${MYSQL_ARGS} -e "create database if not exists ${target}"`);
  const remote = join(context.dir, 'remote');
  const url = (database) => `mysql://root@127.0.0.1:3306/${database}`;
  const backupConfig = await context.config('bk.backup.json', { remote, databases: { bench: url(source) } });
  const restoreConfig = await context.config('bk.restore.json', {
    remote,
    databases: { bench: url(target) },
  });
  const rawObject = join(remote, 'raw', `${source}.sql`);
  const results = await compare(context, [
    {
      label: 'backup',
      variants: {
        bk: {
          before: () => context.clean(join(remote, 'db')),
          stream: BACKUP_STREAM,
          run: () => context.bk(['dbbackup', '--verbose', '--config', backupConfig]),
        },
        raw: {
          before: () => context.clean(join(remote, 'raw')),
          run: () =>
            context.shell(
              `mysqldump ${MYSQL_ARGS} --single-transaction ${source} | rclone rcat ${rawObject}`,
            ),
        },
      },
    },
    {
      label: 'restore',
      variants: {
        bk: {
          stream: RESTORE_STREAM,
          run: () => context.bk(['dbrestore', '--noinput', '--verbose', '--config', restoreConfig]),
        },
        raw: { run: () => context.shell(`rclone cat ${rawObject} | mariadb ${MYSQL_ARGS} ${target}`) },
      },
    },
  ]);
  await context.shell(`mariadb ${MYSQL_ARGS} -e "drop database if exists ${target}"`);
  return [
    `MariaDB ${(await context.shell(`mariadb ${MYSQL_ARGS} -N -e "select version()"`)).stdout.trim()}, one InnoDB table of ${rows.toLocaleString('en')} rows, local rclone remote.`,
    'raw backup: `mysqldump --single-transaction db | rclone rcat`; raw restore: `rclone cat | mariadb db`.',
    'bk restore is not atomic for MySQL, so bk first re-reads the backup and checks its sha256 (a second download), then streams it into `mariadb`.',
    '',
    comparisonTable(results),
  ].join('\n');
}
