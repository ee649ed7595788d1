import { appendFile, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { redactOutput } from '../output/output-redactor.js';
import type { RunRecord } from './run-record.js';

/** Appends one NDJSON line per record to the run log (creating it and its directory). */
export async function appendRunLog(file: string, records: readonly RunRecord[]): Promise<void> {
  if (records.length === 0) return;
  await mkdir(dirname(file), { recursive: true });
  await appendFile(file, records.map((record) => `${redactOutput(JSON.stringify(record))}\n`).join(''), {
    mode: 0o640,
  });
}

/** How much of the end of the run log {@link readRunLog} reads. @default 4 MiB */
export const RUN_LOG_TAIL_BYTES = 4 * 1024 * 1024;

/**
 * The records at the end of the run log (the last {@link RUN_LOG_TAIL_BYTES}), oldest first.
 * A missing file is an empty log; lines that do not parse are skipped.
 */
export async function readRunLog(file: string): Promise<RunRecord[]> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, RUN_LOG_TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    if (length < size) lines.shift();
    const records: RunRecord[] = [];
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        records.push(JSON.parse(line) as RunRecord);
      } catch {
        // A torn or foreign line: skip it.
      }
    }
    return records;
  } finally {
    await handle.close();
  }
}
