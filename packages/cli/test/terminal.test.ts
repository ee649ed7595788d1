import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, bk, cleanEnv, tempDir, writeConfig } from './helpers.js';

const ESCAPE = '\x1b';
/** One frame of the bar: `backup app … 42% | 11.2 MB/26.4 MB | 16.7 MB/s | ETA 1s`. */
const FRAME =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape codes are what this test matches
  /backup app(?:\x1b\[39m)? [^\x1b\n]*?\d+% \| [\d.]+ [kM]?B\/[\d.]+ [kM]?B \| [\d.]+ [kM]?B\/s \| ETA \d+s\x1b\[0K/g;

let dir: string;

beforeAll(async () => {
  dir = await tempDir('bk-tty-');
  // ~26 MB of random blobs (a ~52 MB SQL dump), uploaded at 16 MB/s: a few seconds of progress.
  const db = new DatabaseSync(join(dir, 'app.db'));
  db.exec('CREATE TABLE blobs (data BLOB)');
  const insert = db.prepare('INSERT INTO blobs VALUES (randomblob(65536))');
  db.exec('BEGIN');
  for (let index = 0; index < 400; index++) insert.run();
  db.exec('COMMIT');
  db.close();
  await writeConfig(dir, {
    remote: './backups',
    rclone: { flags: ['--bwlimit', '16M'] },
    databases: { app: 'sqlite:./app.db' },
  });
});

/** Runs bk in a pseudo-terminal (util-linux `script`) and returns everything the terminal received. */
async function inTerminal(args: string, env: Record<string, string | undefined> = {}): Promise<string> {
  const result = await execa('script', ['-qfec', `node ${BIN} ${args}`, '/dev/null'], {
    cwd: dir,
    env: cleanEnv({ NO_COLOR: undefined, TERM: 'xterm-256color', ...env }),
    reject: false,
    stdin: 'ignore',
  });
  expect(result.exitCode, result.stdout).toBe(0);
  return result.stdout;
}

describe('output on a terminal and in a pipe', () => {
  it('a terminal shows a progress bar updated in place, with bytes, size estimate, rate and ETA', async () => {
    const output = await inTerminal('dbbackup');
    const frames = output.match(FRAME) ?? [];
    expect(frames.length, output).toBeGreaterThanOrEqual(2);
    // Redrawn in place: back to column 1, line cleared; the bar is gone when the backup is done.
    expect(output).toContain(`${ESCAPE}[1G`);
    expect(new Set(frames).size).toBeGreaterThanOrEqual(2);
    expect(output).toContain(`${ESCAPE}[36mbackup app`); // colored label
    expect(output).toMatch(/app: db\/app-\d{4}-\d\d-\d\d-\d{6}\.sqlite\.sql {2}[\d.]+ MB/);
  }, 60_000);

  it('NO_COLOR keeps the bar but drops the colors', async () => {
    const output = await inTerminal('dbbackup', { NO_COLOR: '1' });
    expect((output.match(FRAME) ?? []).length, output).toBeGreaterThanOrEqual(1);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape codes are what this test matches
    expect(output).not.toMatch(/\x1b\[3\dm/);
  }, 60_000);

  it('a pipe gets no escape codes at all, and only the result on stdout', async () => {
    const result = await bk(dir, ['dbbackup'], { env: { NO_COLOR: undefined, TERM: 'xterm-256color' } });
    expect(result.exitCode).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(ESCAPE);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^app: db\/app-\S+\.sqlite\.sql {2}[\d.]+ MB {2}[\d.]+ (ms|s)\n$/);
  }, 60_000);

  it('--json on a terminal is NDJSON only: started, progress, completed, then the result', async () => {
    const output = await inTerminal('dbbackup --json');
    expect(output).not.toContain(ESCAPE);
    const events = output
      .trim()
      .split(/\r?\n/)
      .map((line) => JSON.parse(line) as { type: string });
    const types = [...new Set(events.map((event) => event.type))];
    expect(types).toEqual(['started', 'progress', 'completed', 'result']);
  }, 60_000);
});
