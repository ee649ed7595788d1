import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bk, createSmallDatabase, filesUnder, tempDir, writeConfig } from './helpers.js';

// Several databases: `db.concurrency` bounds how many dumps run at once, and `-d` picks exactly
// the ones named. A sqlite3 wrapper logs when each `.dump` starts and ends (and holds it 1 s).
async function project(names: string[]) {
  const dir = await tempDir('bk-cli-concurrency-');
  const log = join(dir, 'dumps.log');
  const wrapper = join(dir, 'sqlite3-logged');
  await writeFile(
    wrapper,
    `#!/bin/sh\ncase "$*" in\n  *.dump*) echo "start $(date +%s%N)" >> "${log}"; sleep 1; sqlite3 "$@"; rc=$?; echo "end $(date +%s%N)" >> "${log}"; exit $rc ;;\nesac\nexec sqlite3 "$@"\n`,
    { mode: 0o755 },
  );
  const databases: Record<string, unknown> = {};
  for (const name of names) {
    createSmallDatabase(join(dir, `${name}.db`));
    databases[name] = { url: `sqlite:./${name}.db`, binary: wrapper };
  }
  return { dir, log, databases };
}

/** The largest number of dumps that were running at the same moment. */
async function peakOverlap(log: string): Promise<number> {
  const events = (await readFile(log, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => line.split(' '))
    .map(([kind, at]) => ({ delta: kind === 'start' ? 1 : -1, at: BigInt(at!) }))
    .sort((a, b) => (a.at === b.at ? a.delta - b.delta : a.at < b.at ? -1 : 1));
  let running = 0;
  let peak = 0;
  for (const event of events) {
    running += event.delta;
    peak = Math.max(peak, running);
  }
  return peak;
}

describe('several databases', () => {
  it('--all runs at most db.concurrency dumps at once (2 by default, 1 when set)', async () => {
    const { dir, log, databases } = await project(['a', 'b', 'c', 'd']);
    await writeConfig(dir, { remote: './backups', databases });
    const all = await bk(dir, ['dbbackup', '--all']);
    expect(all.exitCode, all.stderr).toBe(0);
    expect(await peakOverlap(log)).toBe(2);

    await writeFile(log, '');
    await writeConfig(dir, { remote: './backups', databases, db: { concurrency: 1 } });
    const serial = await bk(dir, ['dbbackup', '--all']);
    expect(serial.exitCode, serial.stderr).toBe(0);
    expect(await peakOverlap(log)).toBe(1);
    const manifests = (await filesUnder(join(dir, 'backups', 'db'))).filter((file) => file.endsWith('.json'));
    expect(manifests.map((file) => file.split('-')[0]).sort()).toEqual([
      'a',
      'a',
      'b',
      'b',
      'c',
      'c',
      'd',
      'd',
    ]);
  });

  it('-d twice backs up exactly those two', async () => {
    const { dir, databases } = await project(['a', 'b', 'c']);
    await writeConfig(dir, { remote: './backups', databases });
    const two = await bk(dir, ['dbbackup', '-d', 'c', '-d', 'a']);
    expect(two.exitCode, two.stderr).toBe(0);
    const manifests = (await filesUnder(join(dir, 'backups', 'db'))).filter((file) => file.endsWith('.json'));
    expect(manifests.map((file) => file.split('-')[0]).sort()).toEqual(['a', 'c']);
  });
});
