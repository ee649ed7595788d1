import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bk, createSmallDatabase, filesUnder, scrub, tempDir, writeConfig } from './helpers.js';

/** Backs up with the config found in `dir` and returns the backup objects written under `remote`. */
async function backupsIn(remote: string): Promise<string[]> {
  return (await filesUnder(remote)).filter((file) => !file.endsWith('.json'));
}

describe('config discovery', () => {
  it('finds bk.config.json in the working directory; relative paths are relative to the config file', async () => {
    const dir = await tempDir();
    createSmallDatabase(join(dir, 'app.db'));
    await writeConfig(dir, { remote: './remote', databases: { main: 'sqlite:./app.db' } });
    const result = await bk(dir, ['dbbackup']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(await backupsIn(join(dir, 'remote'))).toEqual([
      expect.stringMatching(/^db\/main-.*\.sqlite\.sql$/),
    ]);
  });

  it('loads bk.config.mjs (a default export, or a function returning the config)', async () => {
    const dir = await tempDir();
    createSmallDatabase(join(dir, 'app.db'));
    await writeFile(
      join(dir, 'bk.config.mjs'),
      `export default () => ({ remote: './mjs-remote', databases: { fromMjs: { connector: 'sqlite', path: './app.db' } } });\n`,
    );
    const result = await bk(dir, ['dbbackup']);
    expect(result.stderr).toBe('');
    expect(await backupsIn(join(dir, 'mjs-remote'))).toEqual([expect.stringMatching(/^db\/fromMjs-/)]);
  });

  it('loads a typed bk.config.ts with defineConfig', async () => {
    const dir = await tempDir();
    createSmallDatabase(join(dir, 'app.db'));
    const cli = new URL('../src/index.ts', import.meta.url).pathname;
    await writeFile(
      join(dir, 'bk.config.ts'),
      `import { defineConfig } from ${JSON.stringify(cli)};
import type { BkConfig } from ${JSON.stringify(cli)};
const remote: string = './ts-remote';
export default defineConfig({ remote, databases: { fromTs: 'sqlite:./app.db' } } satisfies BkConfig);
`,
    );
    const result = await bk(dir, ['dbbackup']);
    expect(result.stderr).toBe('');
    expect(await backupsIn(join(dir, 'ts-remote'))).toEqual([expect.stringMatching(/^db\/fromTs-/)]);
  });

  it('--config FILE and BK_CONFIG point at a config elsewhere; its paths stay relative to it', async () => {
    const dir = await tempDir();
    const project = join(dir, 'project');
    await mkdir(project);
    createSmallDatabase(join(project, 'app.db'));
    await writeConfig(
      project,
      { remote: './remote', databases: { viaFlag: 'sqlite:./app.db' } },
      'flag.json',
    );
    await writeConfig(project, { remote: './remote', databases: { viaEnv: 'sqlite:./app.db' } }, 'env.json');
    // A config in the working directory is ignored when one is named.
    await writeConfig(dir, { remote: './wrong', databases: { wrong: 'sqlite:./nope.db' } });

    const flag = await bk(dir, ['--config', 'project/flag.json', 'dbbackup']);
    expect(flag.stderr).toBe('');
    const env = await bk(dir, ['dbbackup'], { env: { BK_CONFIG: join(project, 'env.json') } });
    expect(env.stderr).toBe('');
    const names = await backupsIn(join(project, 'remote'));
    expect(names).toHaveLength(2);
    expect(names.some((name) => name.startsWith('db/viaFlag-'))).toBe(true);
    expect(names.some((name) => name.startsWith('db/viaEnv-'))).toBe(true);
    expect(await filesUnder(join(dir, 'wrong'))).toEqual([]);
  });

  it('DATABASE_URL and BK_REMOTE work without a config file', async () => {
    const dir = await tempDir();
    createSmallDatabase(join(dir, 'app.db'));
    const env = { DATABASE_URL: 'sqlite:./app.db', BK_REMOTE: './env-remote' };
    const backup = await bk(dir, ['dbbackup'], { env });
    expect(backup.stderr).toBe('');
    expect(backup.exitCode).toBe(0);
    const listed = await bk(dir, ['listbackups', '--json'], { env });
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ database: 'default', connector: 'sqlite' }),
    ]);
  });

  it('interpolates ${VAR} and ${VAR:-default} in string values', async () => {
    const dir = await tempDir();
    createSmallDatabase(join(dir, 'app.db'));
    await writeConfig(dir, {
      remote: '${REMOTE_DIR:-./fallback}',
      databases: { default: 'sqlite:./${DB_FILE}' },
    });
    const result = await bk(dir, ['dbbackup'], { env: { DB_FILE: 'app.db' } });
    expect(result.stderr).toBe('');
    expect(await backupsIn(join(dir, 'fallback'))).toHaveLength(1);
    const missing = await bk(dir, ['dbbackup']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatchInlineSnapshot(`
      "bk: databases.default: environment variable DB_FILE is not set
      hint: export DB_FILE, or write \${DB_FILE:-default} to give a default
      "
    `);
  });

  it('validation errors point at the key, on one line, exit 2', async () => {
    const dir = await tempDir();
    const cases: [unknown, string][] = [
      [{ remote: './r', databases: { default: 'redis://localhost' } }, 'bad URL'],
      [{ remote: './r', databases: { default: 42 } }, 'wrong type'],
      [{ remote: './r', databases: { default: 'sqlite:./a.db' }, db: { keep: 'forever' } }, 'bad keep'],
      [{ remote: './r', databases: { default: 'sqlite:./a.db' }, dbs: {} }, 'unknown key'],
      [
        { remote: './r', databases: { default: { connector: 'oracle', url: 'sqlite:a' } } },
        'unknown connector',
      ],
      [{ remote: './r', databases: { default: 'sqlite:./a.db' }, db: { concurrency: 1.5 } }, 'concurrency'],
    ];
    const outputs: string[] = [];
    for (const [config, label] of cases) {
      await writeConfig(dir, config);
      const result = await bk(dir, ['listbackups']);
      expect(result.exitCode, label).toBe(2);
      expect(result.stdout, label).toBe('');
      outputs.push(scrub(result.stderr, dir));
    }
    expect(outputs.join('')).toMatchInlineSnapshot(`
      "bk: databases.default: expected a postgres://, mysql://, mariadb://, sqlite: or mongodb:// URL
      hint: fix bk.config.json
      bk: databases.default: expected a connection URL or an options object with "url" or "connector"
      hint: fix bk.config.json
      bk: db.keep: expected a number (keep the last N) or an object of rules (last, hourly, daily, weekly, monthly, yearly, within)
      hint: fix bk.config.json
      bk: unknown key dbs
      hint: fix bk.config.json
      bk: databases.default.connector: cannot find connector module oracle
      hint: "connector" is one of pg, mysql, sqlite, mongo, a package name ("@acme/bk-connector-redis") or a path relative to the config file ("./connectors/redis.mjs") whose module exports createConnector(options)
      bk: db.concurrency: expected a whole number of 1 or more
      hint: fix bk.config.json
      "
    `);
    await writeFile(join(dir, 'bk.config.json'), '{ "remote": ');
    const syntax = await bk(dir, ['listbackups']);
    expect(syntax.exitCode).toBe(2);
    expect(syntax.stderr.split('\n')[0]).toMatch(/^bk: bk\.config\.json is not valid JSON: /);
  });

  it('no remote and no database: a config error saying what to set', async () => {
    const dir = await tempDir();
    const result = await bk(dir, ['dbbackup']);
    expect(result.exitCode).toBe(2);
    expect(scrub(result.stderr, dir)).toMatchInlineSnapshot(`
      "bk: databases: no databases are configured: no bk.config.{json,ts,mjs,js} found in <dir> or its parents (up to /), and BK_CONFIG is not set
      hint: create bk.config.json with "remote" and "databases", point --config or BK_CONFIG at one, or set DATABASE_URL
      "
    `);
    const noRemote = await bk(dir, ['listbackups'], { env: { DATABASE_URL: 'sqlite:./x.db' } });
    expect(noRemote.exitCode).toBe(2);
    expect(scrub(noRemote.stderr, dir)).toMatchInlineSnapshot(`
      "bk: remote: no remote is configured: no bk.config.{json,ts,mjs,js} found in <dir> or its parents (up to /), and BK_CONFIG is not set
      hint: create bk.config.json with "remote" and "databases", point --config or BK_CONFIG at one, or set BK_REMOTE
      "
    `);
  });

  it('passwordFile is read relative to the config file and never shown', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'pg-password'), 'sup3r-s3cret\n', { mode: 0o600 });
    await writeConfig(dir, {
      remote: './r',
      databases: { default: { url: 'postgres://bk_nobody@127.0.0.1:1/none', passwordFile: './pg-password' } },
    });
    const result = await bk(dir, ['dbbackup', '--verbose']);
    expect(result.exitCode).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).not.toContain('sup3r-s3cret');
    expect(await filesUnder(join(dir, 'r'))).toEqual([]);
  });
});
