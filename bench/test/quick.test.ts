import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const RUN = fileURLToPath(new URL('../run.mjs', import.meta.url));
let results: string | undefined;

afterAll(async () => {
  if (results) await rm(results, { recursive: true, force: true });
});

// Keeps the harness from rotting: the SQLite and start-up benchmarks at toy sizes, one run each.
describe('pnpm bench --quick', () => {
  it('runs the sqlite and startup benchmarks and writes their tables', async () => {
    results = await mkdtemp(join(tmpdir(), 'bk-bench-results-'));
    const run = await execa(
      process.execPath,
      [RUN, 'sqlite', 'startup', '--quick', '--runs', '1', '--results', results],
      {
        reject: false,
        all: true,
      },
    );
    expect(run.exitCode, run.all).toBe(0);
    const sqlite = await readFile(join(results, 'sqlite.md'), 'utf8');
    expect(sqlite).toMatch(/\| backup \| bk \| [\d.]+ \|/);
    expect(sqlite).toMatch(/\| restore \| raw \| [\d.]+ \|/);
    const startup = await readFile(join(results, 'startup.md'), 'utf8');
    expect(startup).toMatch(/\| bk --help \| bk \| [\d.]+ \| .* \| [\d.]+ \|/);
  });

  it('rejects an unknown benchmark with exit code 2', async () => {
    const run = await execa(process.execPath, [RUN, 'nope'], { reject: false });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('unknown benchmark nope');
  });
});
