import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { redactOutput } from '../output/output-redactor.js';
import type { RunRecord } from './run-record.js';

/** The metrics bk writes, with their help text and type. */
export const METRICS = {
  bk_last_success_timestamp_seconds: ['gauge', 'Unix time the last successful run of this command ended.'],
  bk_last_duration_seconds: ['gauge', 'Duration of the last run of this command, in seconds.'],
  bk_last_size_bytes: ['gauge', 'Bytes of the last successful run of this command.'],
  bk_failures_total: ['counter', 'Failed runs of this command.'],
  bk_runs_total: ['counter', 'Runs of this command, failed or not.'],
} as const;

type MetricName = keyof typeof METRICS;
type Samples = Map<MetricName, Map<string, number>>;

const SAMPLE = /^(bk_[a-z_]+)\{([^}]*)\}\s+(\S+)(?:\s+\d+)?$/;

function labels(record: RunRecord): string {
  const quote = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return `command="${quote(record.command)}",database="${quote(record.database)}"`;
}

/** Reads the samples of our metrics from a previous file (other lines are dropped). */
function parseSamples(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line.trim());
    if (!match || !(match[1]! in METRICS)) continue;
    const value = Number(match[3]);
    if (Number.isNaN(value)) continue;
    const name = match[1] as MetricName;
    if (!samples.has(name)) samples.set(name, new Map());
    samples.get(name)!.set(match[2]!, value);
  }
  return samples;
}

function render(samples: Samples): string {
  const out: string[] = [];
  for (const [name, [type, help]] of Object.entries(METRICS) as [MetricName, readonly [string, string]][]) {
    const series = samples.get(name);
    if (!series || series.size === 0) continue;
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labelText, value] of [...series].sort(([a], [b]) => (a < b ? -1 : 1))) {
      out.push(`${name}{${labelText}} ${value}`);
    }
  }
  return `${out.join('\n')}\n`;
}

/**
 * Merges `records` into the Prometheus textfile at `file` (for node_exporter's textfile collector):
 * reads the previous samples so counters survive between runs, updates them, and writes the result
 * to a temp file in the same directory, then renames it over `file`, so the collector never reads
 * half a file.
 */
export async function updateMetricsFile(file: string, records: readonly RunRecord[]): Promise<void> {
  let previous = '';
  try {
    previous = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const samples = parseSamples(previous);
  const set = (name: MetricName, key: string, value: number) => {
    if (!samples.has(name)) samples.set(name, new Map());
    samples.get(name)!.set(key, value);
  };
  const add = (name: MetricName, key: string, amount: number) =>
    set(name, key, (samples.get(name)?.get(key) ?? 0) + amount);
  for (const record of records) {
    const key = labels(record);
    add('bk_runs_total', key, 1);
    add('bk_failures_total', key, record.status === 'succeeded' ? 0 : 1);
    set('bk_last_duration_seconds', key, record.durationMs / 1000);
    if (record.status === 'succeeded') {
      set('bk_last_success_timestamp_seconds', key, Math.floor(Date.parse(record.end) / 1000));
      if (record.bytes !== undefined) set('bk_last_size_bytes', key, record.bytes);
    }
  }
  await mkdir(dirname(file), { recursive: true });
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, redactOutput(render(samples)), { mode: 0o644 });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
