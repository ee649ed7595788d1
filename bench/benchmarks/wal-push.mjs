import { execFile, execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BK_BIN } from '../lib/context.mjs';
import { measure, median } from '../lib/measure.mjs';

/**
 * `bk wal-push` as PostgreSQL's archive_command under a pgbench write load, on a scratch cluster
 * run by `postgres` (root needed), against the raw `rclone copyto` of the same segment. Each push is
 * timed by a shell wrapper; the archiver lag (segments written but not yet archived) is sampled.
 */
export async function run(context) {
  if (process.getuid?.() !== 0) throw new Error('wal-push needs root: it runs a scratch cluster as postgres');
  const seconds = context.quick ? 10 : 40;
  const bin = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  const ids = {
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })),
  };
  const dir = context.dir;
  await chmod(dir, 0o755);
  await chown(dir, ids.uid, ids.gid);
  const rows = [];
  for (const variant of ['bk', 'raw']) {
    const result = await runVariant({ context, dir: join(dir, variant), variant, bin, ids, seconds });
    rows.push(result);
  }
  const startup = [];
  const floor = [];
  for (let index = 0; index < (context.quick ? 3 : 9); index++) {
    floor.push((await measure(process.execPath, ['-e', '0'])).ms / 1000);
    startup.push((await measure(process.execPath, [BK_BIN, '--version'])).ms / 1000);
  }
  const ms = (value) => (value * 1000).toFixed(0);
  return [
    `archive_command under \`pgbench -i -s 10\`, then \`pgbench -c 4 -T ${seconds}\` (16 MiB segments, local remote). bk = \`bk wal-push -d main %p\`; raw = \`rclone copyto %p remote/%f\` (no hash, no manifest, no check).`,
    '',
    '| variant | segments pushed | push median ms | push p95 ms | push max ms | segments/s written | max lag (segments waiting) | final lag |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| ${row.variant} | ${row.pushes.length} | ${ms(row.median)} | ${ms(row.p95)} | ${ms(row.max)} | ${row.rate.toFixed(2)} | ${row.maxLag} | ${row.finalLag} |`,
    ),
    '',
    `Process start: \`node -e 0\` ${ms(median(floor))} ms, \`bk --version\` ${ms(median(startup))} ms (medians of ${startup.length}).`,
  ].join('\n');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function asPostgres(home, file, args) {
  return execFileSync('runuser', ['-u', 'postgres', '--', 'env', `HOME=${home}`, file, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function runVariant({ context, dir, variant, bin, ids, seconds }) {
  await mkdir(dir, { mode: 0o755 });
  await chown(dir, ids.uid, ids.gid);
  for (const sub of ['data', 'remote']) {
    await mkdir(join(dir, sub), { mode: 0o700 });
    await chown(join(dir, sub), ids.uid, ids.gid);
  }
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const config = join(dir, 'bk.config.json');
  await writeFile(config, JSON.stringify({ remote: join(dir, 'remote'), databases: { main: url } }));
  const times = join(dir, 'push-times.log');
  await writeFile(times, '');
  await chown(times, ids.uid, ids.gid);
  const push =
    variant === 'bk'
      ? `${process.execPath} ${BK_BIN} --quiet --config ${config} wal-push -d main "$1"`
      : `rclone copyto "$1" ${join(dir, 'remote')}/"$2"`;
  const script = join(dir, 'timed-push.sh');
  await writeFile(
    script,
    `#!/bin/sh\nstart=$(date +%s%N)\n${push}\nrc=$?\necho "$2 $start $(date +%s%N) $rc" >> ${times}\nexit $rc\n`,
  );
  await chmod(script, 0o755);
  asPostgres(dir, join(bin, 'initdb'), [
    '-D',
    join(dir, 'data'),
    '--auth=trust',
    '--no-sync',
    '-U',
    'postgres',
  ]);
  const settings = {
    wal_level: 'replica',
    archive_mode: 'on',
    archive_command: `${script} %p %f`,
    listen_addresses: '127.0.0.1',
    unix_socket_directories: dir,
    port: String(port),
    max_wal_size: '1GB',
  };
  await writeFile(
    join(dir, 'data', 'postgresql.auto.conf'),
    Object.entries(settings)
      .map(([key, value]) => `${key} = '${value}'`)
      .join('\n'),
  );
  asPostgres(dir, join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', 'start']);
  const psql = (sql) =>
    execFileSync('psql', ['-X', '-A', '-t', '-d', url, '-c', sql], { encoding: 'utf8' }).trim();
  try {
    const startLsn = psql('SELECT pg_current_wal_lsn()');
    const lagSamples = [];
    const lagOf = () =>
      Number(
        psql(
          "SELECT (('x' || lpad(substr(pg_walfile_name(pg_current_wal_lsn()), 9), 16, '0'))::bit(64)::bigint - coalesce(('x' || lpad(substr(last_archived_wal, 9, 16), 16, '0'))::bit(64)::bigint, 0)) FROM pg_stat_archiver",
        ),
      );
    const sampler = setInterval(() => {
      try {
        lagSamples.push(lagOf());
      } catch {}
    }, 1000);
    const began = performance.now();
    // Async, so the lag sampler runs while the load does: the initial load, then the write load.
    const pgbench = promisify(execFile);
    await pgbench(join(bin, 'pgbench'), ['-i', '-s', '10', '-q', url]);
    await pgbench(join(bin, 'pgbench'), ['-c', '4', '-T', String(seconds), '-n', url]);
    const elapsed = (performance.now() - began) / 1000;
    clearInterval(sampler);
    const written =
      Number(psql(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '${startLsn}')`)) / (16 * 1024 * 1024);
    const finalLag = lagOf();
    const failed = psql('SELECT failed_count FROM pg_stat_archiver');
    context.log(`${variant}: ${failed} failed pushes`);
    const pushes = (await readFile(times, 'utf8'))
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' '))
      .filter((parts) => parts[3] === '0' && /^[0-9A-F]{24}$/.test(parts[0]))
      .map((parts) => (Number(parts[2]) - Number(parts[1])) / 1e9)
      .sort((a, b) => a - b);
    return {
      variant,
      pushes,
      median: median(pushes),
      p95: pushes[Math.floor(pushes.length * 0.95)] ?? Number.NaN,
      max: pushes.at(-1) ?? Number.NaN,
      rate: written / elapsed,
      maxLag: Math.max(0, ...lagSamples),
      finalLag,
    };
  } finally {
    try {
      asPostgres(dir, join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    } catch {}
  }
}
