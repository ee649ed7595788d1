import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, bk, cleanEnv, tempDir, writeConfig } from './helpers.js';

// Ctrl-D at the dbrestore question answers "no", as `rm -i` does: "restore cancelled", exit 0,
// nothing changed, no Node warning (it used to exit 13: "unsettled top-level await").
describe('dbrestore confirmation on a terminal', () => {
  it('Ctrl-D answers no: nothing restored, exit 0, no warning', async () => {
    const dir = await tempDir('bk-ctrl-d-');
    const file = join(dir, 'app.db');
    const database = new DatabaseSync(file);
    database.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('backed up');");
    database.close();
    await writeConfig(dir, { remote: './backups', databases: { app: 'sqlite:./app.db' } });
    expect((await bk(dir, ['dbbackup'])).exitCode).toBe(0);
    const changed = new DatabaseSync(file);
    changed.exec("INSERT INTO notes VALUES ('written after the backup');");
    changed.close();
    const before = await readFile(file);

    // util-linux `script` runs bk in a pseudo-terminal and forwards our stdin to it.
    const run = execa('script', ['-qfec', `node ${BIN} dbrestore`, '/dev/null'], {
      cwd: dir,
      env: cleanEnv({ TERM: 'xterm-256color' }),
      reject: false,
      stdin: 'pipe',
      all: true,
    });
    let output = '';
    run.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('(y/N)') && run.stdin?.writable) {
        run.stdin.write('\x04');
      }
    });
    const result = await run;
    expect(result.exitCode, output).toBe(0);
    expect(output).toContain('restore cancelled; nothing was changed');
    expect(output).not.toMatch(/Warning|unsettled/);
    expect(await readFile(file)).toEqual(before);
  }, 60_000);
});
