import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compare, comparisonTable, MYSQL_ARGS, PG_ENV } from '../lib/context.mjs';
import { ensureMariadb, ensurePgbench } from '../lib/data.mjs';
import { measure, median } from '../lib/measure.mjs';

/** Clock ticks per second of /proc/<pid>/stat (`getconf CLK_TCK`: 100 on Linux). */
const TICKS = 100;

/** utime + stime (ticks) of a process, or of one thread of it. */
function cpuTicks(path) {
  try {
    const fields = readFileSync(path, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/**
 * Samples the CPU the database server spends for one run: for PostgreSQL the backends serving
 * `database` (their process title names it; each one's last sample is kept, so a backend that
 * exits keeps what it used, less at most one sampling interval); for MariaDB the whole `mariadbd`
 * (one process for everyone: other work on the server adds to it).
 */
function serverCpu(engine, database) {
  const seen = new Map();
  // `postgres: [cluster: ]user database host(port) state` (Debian prefixes the cluster name).
  const pattern = new RegExp(`^postgres: (?:[^:]+: )?\\S+ ${database} `);
  let mariadb;
  let mariadbStart = 0;
  const sample = () => {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let title;
      try {
        title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      } catch {
        continue;
      }
      const leader = /parallel worker for PID (\d+)/.exec(title)?.[1];
      if (engine === 'pg' && (pattern.test(title) || (leader !== undefined && seen.has(leader)))) {
        // Parallel workers (a count(*) of a big table) carry their leader's PID, not the database.
        const ticks = cpuTicks(`/proc/${pid}/stat`);
        if (ticks !== undefined) seen.set(pid, ticks);
      } else if (engine === 'mariadb' && mariadb === undefined && /(^|\/)mariadbd( |$)/.test(title)) {
        mariadb = pid;
        mariadbStart = cpuTicks(`/proc/${pid}/stat`) ?? 0;
      }
    }
  };
  sample();
  const timer = setInterval(sample, 20);
  return {
    stop() {
      clearInterval(timer);
      sample();
      if (engine === 'mariadb') return ((cpuTicks(`/proc/${mariadb}/stat`) ?? 0) - mariadbStart) / TICKS;
      return [...seen.values()].reduce((sum, ticks) => sum + ticks, 0) / TICKS;
    },
  };
}

/** Wraps a variant so each run also records the server's CPU seconds. */
function withServerCpu(variant, engine, database, cpu, bkCpu) {
  return {
    ...variant,
    async run() {
      const meter = serverCpu(engine, database);
      try {
        const result = await variant.run();
        if (result.selfCpu) bkCpu.push(result.selfCpu);
        return result;
      } finally {
        cpu.push(meter.stop());
      }
    },
  };
}

/**
 * What row counts cost: bk with counts read from the dump stream (the default), bk with
 * `db.countRows: false`, the raw pipe, and (with `BK_BASELINE_BIN`, a bk built from an earlier
 * commit) bk counting beside the dump with `count(*)` on the server. Wall time, and the server's
 * CPU seconds per run.
 */
export async function run(context) {
  const pgScale = context.quick ? 1 : 30;
  const pgDatabase = `bench_rowcounts_${pgScale}`;
  const myRows = context.quick ? 10_000 : 2_000_000;
  const myDatabase = `bench_rowcounts_${myRows}`;
  await ensurePgbench(pgDatabase, pgScale, context.log);
  await ensureMariadb(myDatabase, myRows, context.log);
  const remote = join(context.dir, 'remote');
  const baseline = process.env.BK_BASELINE_BIN;
  const engines = [
    {
      engine: 'pg',
      database: pgDatabase,
      label: `PostgreSQL pgbench -s ${pgScale}`,
      url: `postgres://postgres@127.0.0.1:5432/${pgDatabase}`,
      raw: `pg_dump -Fc ${pgDatabase} | rclone rcat ${join(remote, 'raw', 'x.pgdump')}`,
      env: PG_ENV,
    },
    {
      engine: 'mariadb',
      database: myDatabase,
      label: `MariaDB ${myRows} rows`,
      url: `mysql://root@127.0.0.1:3306/${myDatabase}`,
      raw: `mariadb-dump ${MYSQL_ARGS} --single-transaction --quick ${myDatabase} | rclone rcat ${join(remote, 'raw', 'x.sql')}`,
      env: {},
    },
  ];
  const cases = [];
  const cpu = {};
  const bkCpu = {};
  for (const target of engines) {
    const counted = await context.config(`${target.engine}-counted.json`, {
      remote,
      databases: { [target.database]: target.url },
    });
    const uncounted = await context.config(`${target.engine}-uncounted.json`, {
      remote,
      databases: { [target.database]: target.url },
      db: { countRows: false },
    });
    const backup = (config, bin) => () =>
      bin
        ? measure(process.execPath, ['--max-semi-space-size=1', bin, 'dbbackup', '--config', config], {
            poll: true,
            cwd: context.dir,
          })
        : context.bk(['dbbackup', '--config', config]);
    const plain = {
      raw: {
        before: () => context.clean(join(remote, 'raw')),
        run: () => context.shell(target.raw, { env: target.env }),
      },
      'bk, counts from the stream': { before: () => context.clean(join(remote, 'db')), run: backup(counted) },
      'bk, db.countRows false': { before: () => context.clean(join(remote, 'db')), run: backup(uncounted) },
    };
    if (baseline) {
      plain['bk before (count(*) beside the dump)'] = {
        before: () => context.clean(join(remote, 'db')),
        run: backup(counted, baseline),
      };
    }
    const variants = {};
    for (const [key, variant] of Object.entries(plain)) {
      const list = [];
      const own = [];
      cpu[`${target.label}|${key}`] = list;
      bkCpu[`${target.label}|${key}`] = own;
      variants[key] = withServerCpu(variant, target.engine, target.database, list, own);
    }
    cases.push({ label: target.label, variants });
  }
  const rows = await compare(context, cases);
  const cpuLines = [
    '| case | variant | server CPU (s), median | runs | bk process CPU (s), median | runs |',
    '|---|---|---:|---|---:|---|',
  ];
  const list = (values) => values.map((value) => value.toFixed(2)).join(', ');
  for (const [key, server] of Object.entries(cpu)) {
    const [label, variant] = key.split('|');
    const own = bkCpu[key];
    const ownText = own.length > 0 ? `${median(own).toFixed(2)} | ${list(own)}` : ' | ';
    cpuLines.push(`| ${label} | ${variant} | ${median(server).toFixed(2)} | ${list(server)} | ${ownText} |`);
  }
  return [
    'What exact row counts cost a backup. "counts from the stream": the connector reads them from the dump bytes on their way to the remote (the dump\'s own snapshot; no query). "count(*) beside the dump": the earlier design, one exact `count(*)` of every table run next to the dump in its own snapshot (`BK_BASELINE_BIN` points at a bk built from such a commit).',
    'Server CPU: PostgreSQL, the backends serving the benchmark database and their parallel workers (sampled every 20 ms from /proc); MariaDB, the whole `mariadbd` process (shared with other users of the server, so noisier).',
    '',
    comparisonTable(rows),
    '',
    cpuLines.join('\n'),
  ].join('\n');
}
