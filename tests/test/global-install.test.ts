import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';

// The release path as a user meets it before anything is on the npm registry: `pnpm pack:all`
// writes tarballs, npm installs bk globally from them into a fresh prefix, and bk runs from an
// empty folder. The `@bk` scope points at a dead registry, so npm can only use the tarballs.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PACKAGES = (await readdir(join(ROOT, 'packages'))).sort();

let tarballs = '';
let prefix = '';
const tarball = (name: string) => join(tarballs, `bk-${name}-0.1.0.tgz`);

/** Runs the globally installed `bk` in `cwd` with this Node first on PATH and no bk environment. */
function globalBk(cwd: string, args: string[]) {
  return execa(join(prefix, 'bin', 'bk'), args, {
    cwd,
    reject: false,
    all: true,
    env: {
      PATH: `${dirname(process.execPath)}:${join(prefix, 'bin')}:${process.env.PATH}`,
      NO_COLOR: '1',
      BK_CONFIG: undefined,
      BK_REMOTE: undefined,
      DATABASE_URL: undefined,
    },
  });
}

beforeAll(async () => {
  const work = await tempDir('bk-global-install-');
  tarballs = join(work, 'tarballs');
  prefix = join(work, 'prefix');
  const pack = await execa(process.execPath, [join(ROOT, 'scripts/pack-all.mjs'), '--dest', tarballs], {
    cwd: ROOT,
    reject: false,
    all: true,
  });
  expect(pack.exitCode, pack.all).toBe(0);
  expect(pack.stdout).toContain('npm install --global');
}, 120_000);

describe('pnpm pack:all', () => {
  it('writes one tarball per package, each with the MIT LICENSE and no workspace: range', async () => {
    const license = await readFile(join(ROOT, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License/);
    const files = (await readdir(tarballs)).filter((file) => file.endsWith('.tgz')).sort();
    expect(files).toEqual(PACKAGES.map((name) => `bk-${name}-0.1.0.tgz`).sort());
    for (const file of files) {
      const packed = await execa('tar', ['xzf', join(tarballs, file), '-O', 'package/LICENSE']);
      expect(packed.stdout, `${file} LICENSE`).toBe(license.trimEnd());
      const manifest = await execa('tar', ['xzf', join(tarballs, file), '-O', 'package/package.json']);
      expect(manifest.stdout, `${file} package.json`).not.toContain('workspace:');
    }
  });
});

describe('pnpm release', () => {
  it('runs changeset version, a build and pnpm publish -r; its dry run passes for every package', async () => {
    const scripts = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')).scripts as Record<
      string,
      string
    >;
    expect(scripts.release).toMatch(/^changeset version && .*turbo run build && pnpm publish -r/);
    expect(scripts['release:dry-run']).toContain('pnpm publish -r --dry-run');
    const dryRun = await execa('pnpm', ['publish', '-r', '--dry-run', '--no-git-checks'], {
      cwd: ROOT,
      reject: false,
      all: true,
    });
    expect(dryRun.exitCode, dryRun.all).toBe(0);
    for (const name of PACKAGES) expect(dryRun.all).toContain(`@bk/${name}@0.1.0`);
  }, 60_000);
});

describe('npm install --global from the tarballs, PostgreSQL only', () => {
  beforeAll(async () => {
    const install = await execa(
      'npm',
      [
        'install',
        '--global',
        '--prefix',
        prefix,
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--fetch-retries=0',
        '--@bk:registry=http://127.0.0.1:9/',
        ...['cli', 'core', 'rclone', 'connector-sqlite', 'connector-pg'].map(tarball),
      ],
      { reject: false, all: true, env: { PATH: `${dirname(process.execPath)}:${process.env.PATH}` } },
    );
    expect(install.exitCode, install.all).toBe(0);
  }, 180_000);

  it('holds no MySQL, MongoDB or YAML code', async () => {
    const installed = await readdir(join(prefix, 'lib/node_modules'), { recursive: true });
    const found = installed.filter((path) => /connector-(mysql|mongo)$|[\\/]yaml$/.test(path));
    expect(found).toEqual([]);
  });

  it('bk --version, then a SQLite dbbackup and listbackups from an empty folder', async () => {
    const folder = await tempDir('bk-global-empty-');
    const version = await globalBk(folder, ['--version']);
    expect(version.exitCode, version.all).toBe(0);
    expect(version.stdout.trim()).toBe('0.1.0');

    const database = new DatabaseSync(join(folder, 'app.db'));
    database.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('kept');");
    database.close();
    await writeFile(
      join(folder, 'bk.config.json'),
      JSON.stringify({ remote: './backups', databases: { default: 'sqlite:./app.db' } }),
    );
    const backup = await globalBk(folder, ['dbbackup']);
    expect(backup.exitCode, backup.all).toBe(0);
    const list = await globalBk(folder, ['listbackups', '--json']);
    expect(list.exitCode, list.all).toBe(0);
    const listed = JSON.parse(list.stdout) as Array<{ database: string; connector: string }>;
    expect(listed).toMatchObject([{ database: 'default', connector: 'sqlite' }]);
  });

  it('a mysql:// database names the package to install, exit 2, nothing written', async () => {
    const folder = await tempDir('bk-global-missing-');
    await writeFile(
      join(folder, 'bk.config.json'),
      JSON.stringify({ remote: './backups', databases: { shop: 'mysql://root@127.0.0.1:3306/nothing' } }),
    );
    const backup = await globalBk(folder, ['dbbackup', '-d', 'shop']);
    expect(backup.exitCode, backup.all).toBe(2);
    expect(backup.stderr).toContain(
      'bk: databases.shop uses mysql://, but @bk/connector-mysql is not installed',
    );
    expect(backup.stderr).toContain('run npm install -g @bk/connector-mysql');
    expect(await readdir(folder)).toEqual(['bk.config.json']);
  });
});

describe('a global bk with project files, nothing installed in the project', () => {
  it('bk.config.ts imports defineConfig from @bk/cli; a TypeScript connector imports @bk/core', async () => {
    const folder = await tempDir('bk-global-project-ts-');
    await cp(join(ROOT, 'examples/custom-connector/src'), join(folder, 'connector'), { recursive: true });
    await mkdir(join(folder, 'uploads'));
    await writeFile(join(folder, 'uploads', 'a.txt'), 'kept');
    await writeFile(
      join(folder, 'bk.config.ts'),
      [
        "import { defineConfig } from '@bk/cli';",
        'export default defineConfig({',
        "  remote: './backups',",
        `  databases: { uploads: { connector: './connector/index.ts', dir: ${JSON.stringify(join(folder, 'uploads'))} } },`,
        '});',
      ].join('\n'),
    );
    const backup = await globalBk(folder, ['dbbackup']);
    expect(backup.exitCode, backup.all).toBe(0);
    const list = await globalBk(folder, ['listbackups', '--json']);
    expect(JSON.parse(list.stdout)).toMatchObject([{ database: 'uploads', connector: 'tar-dir' }]);
  });

  it("bk.config.mjs and an .mjs connector load bk's own @bk/core, never a project copy", async () => {
    const folder = await tempDir('bk-global-project-mjs-');
    // A project copy of @bk/core that must not load: one copy of core is in play, bk's.
    const decoy = join(folder, 'node_modules', '@bk', 'core');
    await mkdir(decoy, { recursive: true });
    await writeFile(
      join(decoy, 'package.json'),
      JSON.stringify({ name: '@bk/core', version: '0.0.1', type: 'module', exports: './index.js' }),
    );
    await writeFile(join(decoy, 'index.js'), "throw new Error('the project copy of @bk/core was loaded');\n");
    const database = new DatabaseSync(join(folder, 'app.db'));
    database.exec('CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);');
    database.close();
    await writeFile(
      join(folder, 'wrapped.mjs'),
      [
        "import { ProcessError } from '@bk/core';",
        "import { createSqliteConnector } from '@bk/connector-sqlite';",
        'export function createConnector(options) {',
        "  if (typeof ProcessError.isInstance !== 'function') throw new Error('no ProcessError.isInstance');",
        '  return createSqliteConnector(options);',
        '}',
      ].join('\n'),
    );
    await writeFile(
      join(folder, 'bk.config.mjs'),
      [
        "import { defineConfig } from '@bk/cli';",
        "export default defineConfig({ remote: './backups', databases: { app: { connector: './wrapped.mjs', path: './app.db' } } });",
      ].join('\n'),
    );
    const backup = await globalBk(folder, ['dbbackup']);
    expect(backup.exitCode, backup.all).toBe(0);
    const list = await globalBk(folder, ['listbackups', '--json']);
    expect(JSON.parse(list.stdout)).toMatchObject([{ database: 'app', connector: 'sqlite' }]);
  });
});
