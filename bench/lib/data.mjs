import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MYSQL_ARGS, PG_ENV } from './context.mjs';
import { shell } from './measure.mjs';

/** Data sets live here between runs (created once, reused). */
export const DATA_DIR = process.env.BK_BENCH_DATA ?? '/tmp/bk-bench-data';

/**
 * A pgbench database at `scale`, created once (`pgbench -i -s scale`, with `--partitions N` when
 * `partitions` is set) and reused if present.
 */
export async function ensurePgbench(database, scale, log, partitions = 0) {
  const exists = await shell(`psql -Atc "select 1 from pg_database where datname = '${database}'"`, {
    env: PG_ENV,
  });
  if (exists.stdout.trim() === '1') {
    // Partitions only: pg_inherits also links each partition's index to the partitioned index.
    const rows = await shell(
      `psql -d ${database} -Atc "select (select count(*) from pgbench_branches) || '/' || (select count(*) from pg_inherits i join pg_class c on c.oid = i.inhrelid where c.relkind = 'r')"`,
      { env: PG_ENV },
    ).catch(() => undefined);
    if (rows?.stdout.trim() === `${scale}/${partitions}`) return;
    await shell(`dropdb --if-exists --force ${database}`, { env: PG_ENV });
  }
  const split = partitions > 0 ? ` --partitions ${partitions}` : '';
  log(`creating ${database}: pgbench -i -s ${scale}${split}`);
  await shell(`createdb ${database} && pgbench -i -q -s ${scale}${split} ${database}`, { env: PG_ENV });
}

/** A MariaDB database `database` with one InnoDB table `rows_table` of `rows` rows. */
export async function ensureMariadb(database, rows, log) {
  const count = await shell(
    `mariadb ${MYSQL_ARGS} -N -e "select count(*) from ${database}.rows_table" 2>/dev/null || echo 0`,
  );
  if (count.stdout.trim() === String(rows)) return;
  log(`creating ${database}.rows_table with ${rows} rows`);
  await shell(
    `mariadb ${MYSQL_ARGS} -e "drop database if exists ${database}; create database ${database}; use ${database};
     create table ${database}.rows_table (id int primary key, account int not null, balance bigint not null,
       note varchar(64) not null, created datetime not null) engine=InnoDB;
     set unique_checks=0; insert into ${database}.rows_table
       select seq, seq % 100000, seq * 37 % 1000003, md5(seq), '2024-01-01' + interval (seq % 86400) second
       from seq_1_to_${rows};"`,
  );
}

/**
 * A SQLite file of `rows` rows of about 60 + 2 × `bodyBytes` bytes (one table with an index,
 * random hex text), created once.
 */
export async function ensureSqlite(rows, log, bodyBytes = 32) {
  await mkdir(DATA_DIR, { recursive: true });
  const path = join(DATA_DIR, `sqlite-${rows}-${bodyBytes}.db`);
  if (existsSync(path)) return path;
  log(`creating ${path} (${rows} rows)`);
  const temp = `${path}.tmp`;
  await rm(temp, { force: true });
  await shell(
    `sqlite3 ${temp} "pragma journal_mode=off; pragma synchronous=off;
     create table items (id integer primary key, name text not null, qty integer, price real, body text);
     with recursive c(x) as (select 1 union all select x + 1 from c where x < ${rows})
     insert into items select x, 'item-' || x, x % 1000, x / 7.0, hex(randomblob(${bodyBytes})) from c;
     create index items_qty on items(qty);"`,
  );
  await rename(temp, path);
  return path;
}

/** A media tree of `count` files (sizes 1–64 KiB, random bytes), created once. */
export async function ensureMedia(count, log) {
  const dir = join(DATA_DIR, `media-${count}`);
  if (existsSync(join(dir, '.complete'))) return dir;
  log(`creating ${count} media files in ${dir}`);
  await rm(dir, { recursive: true, force: true });
  for (let index = 0; index < count; index++) {
    const sub = join(dir, `d${index % 100}`);
    if (index < 100) await mkdir(sub, { recursive: true });
    await writeFile(join(sub, `f${index}.bin`), randomBytes(1024 + ((index * 7919) % 64512)));
  }
  await writeFile(join(dir, '.complete'), '');
  return dir;
}
