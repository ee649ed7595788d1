import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, median, phase, shell } from './measure.mjs';

/** The repository root. */
export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built CLI. */
export const BK_BIN = join(REPO, 'packages', 'cli', 'dist', 'bin.js');

/** The node flags of bin.js's shebang (`#!/usr/bin/env -S node --max-semi-space-size=1`). */
const SHEBANG_FLAGS = existsSync(BK_BIN)
  ? (
      /^#!.*\bnode((?: --?[\w-]+(?:=\S+)?)*)\s*$/m.exec(
        readFileSync(BK_BIN, 'utf8').split('\n')[0] ?? '',
      )?.[1] ?? ''
    )
      .trim()
      .split(/\s+/)
      .filter(Boolean)
  : [];

export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };
export const PG_ENV = { PGHOST: PG.host, PGPORT: String(PG.port), PGUSER: PG.user };
export const MYSQL_ARGS = '-h 127.0.0.1 -P 3306 -u root';

/** Stream phase of `bk dbbackup --verbose`: from the staged upload's start to the listing after it. */
export const BACKUP_STREAM = {
  start: /rclone rcat .*\/db\/\.partial\/(?!.*\.json\.)/,
  end: /rclone lsjson .*-R /,
};
/** Stream phase of `bk dbrestore --verbose`: from the first download of the backup to the lock's removal. */
export const RESTORE_STREAM = { start: /rclone cat .*\/db\/[^./][^/]*$/, end: /rclone deletefile .*\.locks/ };

/** Creates the per-benchmark scratch directory and helpers. */
export async function createContext(name, options) {
  const dir = await mkdtemp(join(options.workRoot ?? tmpdir(), `bk-bench-${name}-`));
  const log = (message) => process.stderr.write(`[${name}] ${message}\n`);
  return {
    name,
    dir,
    quick: options.quick,
    /** Also run the explanatory variants (`--extended`), not needed for the targets. */
    extended: options.extended ?? false,
    runs: options.runs,
    log,
    /** Writes a bk config file and returns its path. */
    async config(file, config) {
      const path = join(dir, file);
      await writeFile(path, `${JSON.stringify(config, null, 2)}\n`);
      return path;
    },
    /**
     * Runs the bk CLI as an installed `bk` runs: this node with the flags of dist/bin.js's shebang
     * (`--max-semi-space-size=1`), with peak-RSS sampling of it and its children. `plainNode: true`
     * runs `node dist/bin.js` without them (Node's default young generation), for comparison.
     */
    async bk(args, { plainNode = false, ...extra } = {}) {
      const flags = plainNode ? [] : SHEBANG_FLAGS;
      // Other work in the tree may be rebuilding a dist folder: wait and retry then.
      for (let attempt = 1; ; attempt++) {
        try {
          return await measure(process.execPath, [...flags, BK_BIN, ...args], {
            poll: true,
            cwd: dir,
            ...extra,
          });
        } catch (error) {
          if (attempt >= 5 || !/Cannot find module|ERR_MODULE_NOT_FOUND/.test(String(error))) throw error;
          log(`a dist folder is being rebuilt; retrying in 10 s`);
          await new Promise((resolve) => setTimeout(resolve, 10_000));
        }
      }
    },
    shell(script, extra = {}) {
      return shell(script, { cwd: dir, ...extra });
    },
    async clean(path) {
      await rm(path, { recursive: true, force: true });
      await mkdir(path, { recursive: true });
    },
    async dispose() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `cases` alternately (bk, raw, bk, raw...) `runs` times each; `before` runs untimed before
 * each timed run. Returns rows with every time and the medians.
 */
export async function compare(context, cases) {
  const rows = [];
  for (const entry of cases) {
    const times = Object.fromEntries(Object.keys(entry.variants).map((key) => [key, []]));
    const streams = Object.fromEntries(Object.keys(entry.variants).map((key) => [key, []]));
    const rss = Object.fromEntries(Object.keys(entry.variants).map((key) => [key, []]));
    for (let run = 0; run < context.runs; run++) {
      for (const [key, variant] of Object.entries(entry.variants)) {
        if (variant.before) await variant.before();
        const result = await variant.run();
        times[key].push(result.ms);
        if (variant.stream) {
          const ms = phase(result, variant.stream.start, variant.stream.end);
          if (ms !== undefined) streams[key].push(ms);
        }
        if (result.selfKb) rss[key].push({ self: result.selfKb, children: result.childKb });
        if (variant.after) await variant.after(result);
        context.log(`${entry.label} ${key} run ${run + 1}: ${(result.ms / 1000).toFixed(2)} s`);
      }
    }
    const medians = Object.fromEntries(Object.entries(times).map(([key, list]) => [key, median(list)]));
    rows.push({ label: entry.label, times, medians, streams, rss, baseline: entry.baseline ?? 'raw' });
  }
  return rows;
}

const seconds = (ms) => (ms / 1000).toFixed(ms < 1000 ? 3 : 2);
const mb = (kb) => (kb / 1024).toFixed(0);

/** A markdown table of `rows` from {@link compare}: medians, ratio to the baseline, peak RSS. */
export function comparisonTable(rows) {
  const lines = [
    '| case | variant | median (s) | runs (s) | ratio to raw | stream phase (s) | stream ratio | bk peak RSS (MB) | children peak RSS (MB) |',
    '|---|---|---:|---|---:|---:|---:|---:|---|',
  ];
  for (const row of rows) {
    const base = row.medians[row.baseline];
    for (const [key, list] of Object.entries(row.times)) {
      const ratio = key === row.baseline ? '1.00' : (row.medians[key] / base).toFixed(2);
      let self = '';
      let children = '';
      if (key.startsWith('bk') && row.rss[key].length > 0) {
        self = mb(Math.max(...row.rss[key].map((sample) => sample.self)));
        const peaks = {};
        for (const sample of row.rss[key])
          for (const [name, kb] of Object.entries(sample.children))
            if (name !== 'MainThread') peaks[name] = Math.max(peaks[name] ?? 0, kb);
        children = Object.entries(peaks)
          .map(([name, kb]) => `${name} ${mb(kb)}`)
          .join(', ');
      }
      const stream = row.streams[key].length > 0 ? median(row.streams[key]) : undefined;
      const streamText = stream === undefined ? '' : seconds(stream);
      const streamRatio = stream === undefined ? '' : (stream / base).toFixed(2);
      lines.push(
        `| ${row.label} | ${key} | ${seconds(row.medians[key])} | ${list.map(seconds).join(', ')} | ${ratio} | ${streamText} | ${streamRatio} | ${self} | ${children} |`,
      );
    }
  }
  return lines.join('\n');
}

/** One line describing the machine and the load when a benchmark ran. */
export function machineLine() {
  const [one, five] = loadavg();
  return `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, load average ${one.toFixed(2)} / ${five.toFixed(2)} (1 / 5 min) at the end`;
}
