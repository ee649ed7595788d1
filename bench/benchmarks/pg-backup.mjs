import { join } from 'node:path';
import { BACKUP_STREAM, compare, comparisonTable, PG_ENV } from '../lib/context.mjs';
import { ensurePgbench } from '../lib/data.mjs';

/** PostgreSQL backup of a pgbench database: bk dbbackup vs `pg_dump -Fc | rclone rcat`, at -Z6 and -Z0. */
export async function run(context) {
  const scale = context.quick ? 1 : 100;
  const database = context.quick ? 'bench_quick' : 'bench';
  await ensurePgbench(database, scale, context.log);
  const remote = join(context.dir, 'remote');
  const url = `postgres://postgres@127.0.0.1:5432/${database}`;
  const rawObject = join(remote, 'raw', `${database}.pgdump`);
  const cases = [];
  for (const level of [undefined, 0]) {
    const config = await context.config(`bk-${level ?? 'default'}.json`, {
      remote,
      databases: { [database]: level === undefined ? url : { url, compressionLevel: level } },
    });
    const flag = level === undefined ? '' : ` -Z${level}`;
    const variants = {
      bk: {
        before: () => context.clean(join(remote, 'db')),
        stream: BACKUP_STREAM,
        run: () => context.bk(['dbbackup', '--verbose', '--config', config]),
      },
      raw: {
        before: () => context.clean(join(remote, 'raw')),
        run: () =>
          context.shell(`pg_dump -Fc${flag} ${database} | rclone rcat ${rawObject}`, { env: PG_ENV }),
      },
    };
    if (level === undefined && context.extended) {
      const uncounted = await context.config('bk-uncounted.json', {
        remote,
        databases: { [database]: url },
        db: { countRows: false },
      });
      variants['bk, db.countRows false'] = {
        before: () => context.clean(join(remote, 'db')),
        stream: BACKUP_STREAM,
        run: () => context.bk(['dbbackup', '--verbose', '--config', uncounted]),
      };
    }
    if (level === 0 && context.extended) {
      variants['raw --ignore-checksum'] = {
        before: () => context.clean(join(remote, 'raw')),
        run: () =>
          context.shell(`pg_dump -Fc${flag} ${database} | rclone rcat --ignore-checksum ${rawObject}`, {
            env: PG_ENV,
          }),
      };
    }
    cases.push({ label: level === undefined ? 'backup (pg_dump default -Z6)' : 'backup -Z0', variants });
  }
  const rows = await compare(context, cases);
  return [
    `pgbench database at scale ${scale} (\`pgbench -i -s ${scale}\`), local rclone remote (a directory).`,
    'raw: `pg_dump -Fc [-Z0] | rclone rcat DIR/x.pgdump` (rclone computes its md5 unless `--ignore-checksum`).',
    'bk: `bk dbbackup` (whole command: remote check, lock, row counts, dump+sha256+upload, size check, move, manifest, unlock); "db.countRows false" skips the exact `count(*)` of every table that the manifest records for drills.',
    '',
    comparisonTable(rows),
  ].join('\n');
}
