#!/usr/bin/env node
// Benchmarks of bk against the raw shell pipelines. `pnpm bench [-- <name>...] [--quick] [--extended] [--runs N]`.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BK_BIN, createContext, machineLine, REPO } from './lib/context.mjs';

const BENCHMARKS = [
  'startup',
  'sqlite',
  'pg-backup',
  'pg-restore',
  'memory',
  'mariadb',
  'media',
  'wal-push',
  'row-counts',
];

const { values, positionals } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false },
    extended: { type: 'boolean', default: false },
    runs: { type: 'string' },
    results: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    `usage: node bench/run.mjs [name...] [--quick] [--extended] [--runs N] [--results DIR]\n--extended adds explanatory variants (db.countRows false, raw --ignore-checksum, parallel restore of one big table, node without the shebang flags)\nbenchmarks: ${BENCHMARKS.join(', ')}\n`,
  );
  process.exit(0);
}
const unknown = positionals.filter((name) => !BENCHMARKS.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.join(', ')}\n`);
  process.exit(2);
}
if (!existsSync(BK_BIN)) {
  process.stderr.write(`${BK_BIN} is missing: run pnpm build first\n`);
  process.exit(2);
}
const selected = positionals.length > 0 ? positionals : BENCHMARKS;
const runs = Number(values.runs ?? 3);
// Quick runs (the smoke test) never overwrite the committed results.
const resultsDir =
  values.results ?? (values.quick ? join(tmpdir(), 'bk-bench-quick') : join(REPO, 'bench', 'results'));
await mkdir(resultsDir, { recursive: true });

let failed = false;
const started = performance.now();
for (const name of selected) {
  const context = await createContext(name, { quick: values.quick, extended: values.extended, runs });
  const began = performance.now();
  try {
    const module = await import(`./benchmarks/${name}.mjs`);
    const body = await module.run(context);
    const took = ((performance.now() - began) / 1000).toFixed(0);
    const text = `# ${name}${values.quick ? ' (quick)' : ''}${values.extended ? ' (extended)' : ''}\n\n${body}\n\nMedians (bk and raw alternate, each run listed). ${machineLine()}. Took ${took} s, ${new Date().toISOString()}.\n`;
    await writeFile(join(resultsDir, `${name}.md`), text);
    process.stdout.write(`\n${text}\n`);
  } catch (error) {
    failed = true;
    process.stderr.write(`[${name}] failed: ${error?.stack ?? error}\n`);
  } finally {
    await context.dispose();
  }
}
process.stderr.write(`all done in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
process.exit(failed ? 1 : 0);
