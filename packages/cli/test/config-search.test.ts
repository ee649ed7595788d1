import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { bk, cleanEnv, createSmallDatabase, filesUnder, tempDir, writeConfig } from './helpers.js';

// Config discovery like Prettier and ESLint: the working directory, then its parents, stopping at
// a git root (a folder holding .git) or the filesystem root. When nothing is found, the error says
// where bk looked. `pnpm bk` in the checkout runs in the caller's folder.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('config search', () => {
  it('finds bk.config.json in a parent folder; its relative paths stay relative to it', async () => {
    const project = await tempDir();
    createSmallDatabase(join(project, 'app.db'));
    await writeConfig(project, { remote: './remote', databases: { main: 'sqlite:./app.db' } });
    const deep = join(project, 'src', 'deep');
    await mkdir(deep, { recursive: true });
    const result = await bk(deep, ['dbbackup']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect((await filesUnder(join(project, 'remote'))).filter((file) => !file.endsWith('.json'))).toEqual([
      expect.stringMatching(/^db\/main-/),
    ]);
    expect(await filesUnder(deep)).toEqual([]);
  });

  it('stops at a git root: a config above the project is never used, and the error says where bk looked', async () => {
    const outside = await tempDir();
    await writeConfig(outside, { remote: './wrong', databases: { wrong: 'sqlite:./wrong.db' } });
    const repo = join(outside, 'repo');
    const cwd = join(repo, 'sub');
    await mkdir(join(repo, '.git'), { recursive: true });
    await mkdir(cwd);
    const result = await bk(cwd, ['dbbackup']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      `bk: databases: no databases are configured: no bk.config.{json,ts,mjs,js} found in ${cwd} or its parents (up to ${repo}, a git root), and BK_CONFIG is not set\n` +
        'hint: create bk.config.json with "remote" and "databases", point --config or BK_CONFIG at one, or set DATABASE_URL\n',
    );
    expect(await filesUnder(join(outside, 'wrong'))).toEqual([]);
  });

  it('with DATABASE_URL but no remote and no config file, says where bk looked', async () => {
    const repo = await tempDir();
    await mkdir(join(repo, '.git'));
    const result = await bk(repo, ['listbackups'], { env: { DATABASE_URL: 'sqlite:./x.db' } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(
      `bk: remote: no remote is configured: no bk.config.{json,ts,mjs,js} found in ${repo}, and BK_CONFIG is not set`,
    );
  });

  it('pnpm bk in the checkout runs in the caller folder (INIT_CWD)', async () => {
    const caller = await tempDir();
    createSmallDatabase(join(caller, 'app.db'));
    await writeConfig(caller, { remote: './remote', databases: { mine: 'sqlite:./app.db' } });
    const backup = await execa('pnpm', ['--silent', '-C', ROOT, 'bk', 'dbbackup'], {
      cwd: caller,
      reject: false,
      all: true,
      env: cleanEnv(),
    });
    expect(backup.exitCode, backup.all).toBe(0);
    expect((await filesUnder(join(caller, 'remote'))).length).toBe(2);
  });
});
