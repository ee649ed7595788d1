import { copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BACKUP_STREAM, compare, comparisonTable, RESTORE_STREAM } from '../lib/context.mjs';
import { ensureSqlite } from '../lib/data.mjs';

/** SQLite backup and restore of a ~1 GB database against `sqlite3 .dump | rclone rcat` and back. */
export async function run(context) {
  // 1 GB in 2.3M rows of ~450 bytes: sqlite3 parses INSERT statements at ~8 µs each on this
  // machine, so 10M short rows would make the restore ~100 s a run and the suite too long for 20 min.
  const rows = context.quick ? 50_000 : 2_300_000;
  const source = await ensureSqlite(rows, context.log, 192);
  const remote = join(context.dir, 'remote');
  const target = join(context.dir, 'target.db');
  const fresh = join(context.dir, 'raw-restored.db');
  const config = await context.config('bk.config.json', {
    remote,
    databases: { bench: `sqlite:${source}` },
  });
  const restoreConfig = await context.config('bk.restore.json', {
    remote,
    databases: { bench: `sqlite:${target}` },
  });
  const rawObject = join(remote, 'raw', 'bench.sql');
  const rows_ = await compare(context, [
    {
      label: 'backup',
      variants: {
        bk: {
          before: () => context.clean(join(remote, 'db')),
          stream: BACKUP_STREAM,
          run: () => context.bk(['dbbackup', '--verbose', '--config', config]),
        },
        raw: {
          before: () => context.clean(join(remote, 'raw')),
          run: () => context.shell(`sqlite3 ${source} .dump | rclone rcat ${rawObject}`),
        },
      },
    },
    {
      label: 'restore',
      variants: {
        bk: {
          // dbrestore replaces an existing database: give it a copy of the source to replace.
          before: () => copyFile(source, target),
          stream: RESTORE_STREAM,
          run: () => context.bk(['dbrestore', '--noinput', '--verbose', '--config', restoreConfig]),
          after: () => rm(target, { force: true }),
        },
        raw: {
          before: () => rm(fresh, { force: true }),
          run: () => context.shell(`rclone cat ${rawObject} | sqlite3 ${fresh}`),
        },
      },
    },
  ]);
  return [
    `SQLite database of ${rows.toLocaleString('en')} rows (${await sizeOf(source)}).`,
    'raw backup: `sqlite3 db .dump | rclone rcat`; raw restore: `rclone cat | sqlite3 new.db`.',
    'bk restore writes a new file, runs `PRAGMA quick_check` (the connector default; `integrityCheck: "full"` runs `integrity_check`), then renames it over the target.',
    '',
    comparisonTable(rows_),
  ].join('\n');
}

async function sizeOf(path) {
  const { stat } = await import('node:fs/promises');
  return `${((await stat(path)).size / 2 ** 20).toFixed(0)} MiB`;
}
