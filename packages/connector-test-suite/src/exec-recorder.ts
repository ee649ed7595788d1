import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A running exec recording: every run of a recorded program is logged until `stop()`. */
export interface ExecRecorder {
  /** Restores `PATH`, removes the shims and returns each recorded command line (arguments joined by spaces). */
  stop(): Promise<string[]>;
}

const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/**
 * Puts a recording shim for each of `programs` first on `PATH`: the shim appends its arguments to a
 * log, then `exec`s the real program. Unlike polling `/proc`, this sees every run, however short.
 * Programs not found on `PATH` are skipped. Linux/POSIX `sh` only. Connectors must look programs up
 * on `PATH` when they run them (the default for every bk connector) for the shims to see them.
 */
export async function recordExecs(programs: readonly string[]): Promise<ExecRecorder> {
  const dir = await mkdtemp(join(tmpdir(), 'bk-exec-record-'));
  const log = join(dir, 'exec.log');
  await writeFile(log, '');
  const originalPath = process.env.PATH ?? '';
  for (const program of new Set(programs)) {
    let real: string;
    try {
      real = execFileSync('sh', ['-c', 'command -v "$1"', 'sh', program], { encoding: 'utf8' }).trim();
    } catch {
      continue;
    }
    if (!real.startsWith('/')) continue;
    const shim = join(dir, program);
    await writeFile(shim, `#!/bin/sh\nprintf '%s\\n' "$0 $*" >> ${quote(log)}\nexec ${quote(real)} "$@"\n`);
    await chmod(shim, 0o755);
  }
  process.env.PATH = `${dir}${delimiter}${originalPath}`;
  return {
    async stop() {
      process.env.PATH = originalPath;
      const lines = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
      await rm(dir, { recursive: true, force: true });
      return lines.map((line) => line.replace(`${dir}/`, ''));
    },
  };
}
