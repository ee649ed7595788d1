import { join } from 'node:path';
import { compare, PG_ENV } from '../lib/context.mjs';
import { ensurePgbench } from '../lib/data.mjs';

const mb = (kb) => (kb / 1024).toFixed(0);
/**
 * `bk` as installed runs with its shebang's `--max-semi-space-size=1` (V8 scavenges, and frees
 * pipe buffers, sooner); this variant runs `node dist/bin.js` with Node's default young generation.
 */
const PLAIN = 'node bin.js (default young generation)';

/** Peak RSS of the bk process and of its children, backup and restore, at two database sizes. */
export async function run(context) {
  const scales = context.quick ? [1, 2] : [10, 100];
  const lines = [
    '| database | stream | operation | variant | bk peak RSS (MB), each run | children peak RSS (MB), max | median (s) |',
    '|---|---:|---|---|---|---|---:|',
  ];
  const peaks = {};
  for (const scale of scales) {
    const source = scale === 100 ? 'bench' : context.quick ? `bench_quick_s${scale}` : `bench_s${scale}`;
    await ensurePgbench(source, scale, context.log);
    const target = `${source}_restore`;
    await context.shell(`dropdb --if-exists --force ${target} && createdb ${target}`, { env: PG_ENV });
    const remote = join(context.dir, `remote-${scale}`);
    const url = (database) => ({
      url: `postgres://postgres@127.0.0.1:5432/${database}`,
      compressionLevel: 0,
    });
    const backup = await context.config(`backup-${scale}.json`, {
      remote,
      databases: { bench: url(source) },
    });
    const restore = await context.config(`restore-${scale}.json`, {
      remote,
      databases: { bench: url(target) },
    });
    const plain = { plainNode: true };
    const rows = await compare(context, [
      {
        label: 'backup',
        variants: {
          bk: { run: () => context.bk(['dbbackup', '--quiet', '--config', backup]) },
          ...(context.extended
            ? { [PLAIN]: { run: () => context.bk(['dbbackup', '--quiet', '--config', backup], plain) } }
            : {}),
        },
      },
      {
        label: 'restore',
        variants: {
          bk: { run: () => context.bk(['dbrestore', '--noinput', '--quiet', '--config', restore]) },
        },
      },
    ]);
    const { stdout } = await context.shell(`du -b ${remote}/db/*.pgdump | tail -1 | cut -f1`);
    const stream = `${(Number(stdout.trim()) / 2 ** 20).toFixed(0)} MiB`;
    for (const row of rows) {
      for (const [variant, samples] of Object.entries(row.rss)) {
        const children = {};
        for (const sample of samples)
          for (const [name, kb] of Object.entries(sample.children))
            if (name !== 'MainThread') children[name] = Math.max(children[name] ?? 0, kb);
        peaks[`${row.label}|${variant}|${scale}`] = Math.max(...samples.map((sample) => sample.self));
        const shown = Object.entries(children)
          .map(([name, kb]) => `${name} ${mb(kb)}`)
          .join(', ');
        lines.push(
          `| pgbench -s ${scale} | ${stream} | ${row.label} | ${variant} | ${samples.map((sample) => mb(sample.self)).join(', ')} | ${shown} | ${(row.medians[variant] / 1000).toFixed(2)} |`,
        );
      }
    }
    await context.shell(`dropdb --if-exists --force ${target}`, { env: PG_ENV });
  }
  const [small, large] = scales;
  const growth = (operation, variant) =>
    `${operation} (${variant}) ${mb(peaks[`${operation}|${variant}|${small}`])} → ${mb(peaks[`${operation}|${variant}|${large}`])} MB (${((peaks[`${operation}|${variant}|${large}`] / peaks[`${operation}|${variant}|${small}`] - 1) * 100).toFixed(1)}%)`;
  return [
    `Peak RSS (VmHWM from /proc, sampled every 25 ms) of the \`bk\` process and, separately, of each kind of child, for \`bk dbbackup\` and \`bk dbrestore\` of pgbench databases dumped with -Z0 (the stream is ~${scales[1] / scales[0]}× longer at -s ${large}). Target: bk ≤ 120 MB and within 10% between the sizes. "bk" runs as an installed \`bk\` does (the shebang's \`--max-semi-space-size=1\`).`,
    '',
    lines.join('\n'),
    '',
    `Peak of the bk process, max over runs, -s ${small} → -s ${large}: ${['backup', 'restore']
      .flatMap((operation) =>
        (operation === 'backup' && context.extended ? ['bk', PLAIN] : ['bk']).map((variant) =>
          growth(operation, variant),
        ),
      )
      .join('; ')}.`,
  ].join('\n');
}
