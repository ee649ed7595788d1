import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

// npm-grade packages: every published package passes publint and @arethetypeswrong/cli, declares
// what a registry package needs, and the packed tarballs install into an empty project where `bk` runs.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'tests/node_modules/.bin');
const names = (await readdir(join(ROOT, 'packages'))).sort();
const work = await mkdtemp(join(tmpdir(), 'bk-packaging-'));
afterAll(() => rm(work, { recursive: true, force: true }));

interface Manifest {
  name: string;
  private?: boolean;
  type?: string;
  sideEffects?: boolean;
  files?: string[];
  engines?: { node?: string };
  repository?: { directory?: string };
  exports?: Record<string, unknown>;
}

const manifest = async (name: string) =>
  JSON.parse(await readFile(join(ROOT, 'packages', name, 'package.json'), 'utf8')) as Manifest;

describe.each(names)('packages/%s', (name) => {
  it('package.json: ESM, exports with types first, files, engines, repository.directory, sideEffects false', async () => {
    const pkg = await manifest(name);
    expect(pkg.private).not.toBe(true);
    expect(pkg.type).toBe('module');
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.files).toEqual(expect.arrayContaining(['dist']));
    expect(pkg.engines?.node).toMatch(/^>=\s*24/);
    expect(pkg.repository?.directory).toBe(`packages/${name}`);
    const main = pkg.exports?.['.'] as Record<string, string>;
    expect(Object.keys(main)[0]).toBe('types');
  });

  it('the build keeps class names: no _ProcessError-style renamed class in dist', async () => {
    const dist = join(ROOT, 'packages', name, 'dist');
    const files = (await readdir(dist)).filter((file) => file.endsWith('.js'));
    for (const file of files) {
      const code = await readFile(join(dist, file), 'utf8');
      expect(code.match(/\bclass _[A-Z]\w*Error\b/g), `${name}/dist/${file}`).toBeNull();
    }
  });

  it('README has Install, Usage, Options, Errors and Testing sections', async () => {
    const readme = await readFile(join(ROOT, 'packages', name, 'README.md'), 'utf8');
    for (const section of ['Install', 'Usage', 'Options', 'Errors', 'Testing']) {
      expect(readme, `${name} README lacks "## ${section}"`).toMatch(new RegExp(`^##+ .*${section}`, 'mi'));
    }
  });

  it('publint --strict and attw (ESM only) pass', async () => {
    const cwd = join(ROOT, 'packages', name);
    const publint = await execa(join(BIN, 'publint'), ['--strict'], { cwd, reject: false, all: true });
    expect(publint.exitCode, publint.all).toBe(0);
    const attw = await execa(
      join(BIN, 'attw'),
      ['--pack', '.', '--profile', 'esm-only', '--format', 'ascii'],
      {
        cwd,
        reject: false,
        all: true,
        env: { NO_COLOR: '1' },
      },
    );
    expect(attw.exitCode, attw.all).toBe(0);
  });
});

describe('tarballs', () => {
  it('pnpm pack every package, npm install the tarballs into an empty directory, npx bk --help works', async () => {
    const tarballs = join(work, 'tarballs');
    for (const name of names) {
      await execa('pnpm', ['pack', '--pack-destination', tarballs], { cwd: join(ROOT, 'packages', name) });
    }
    const files = (await readdir(tarballs)).filter((file) => file.endsWith('.tgz'));
    expect(files).toHaveLength(names.length);
    const app = join(work, 'app');
    app2 = await mkdtemp(`${app}-`);
    await execa('npm', ['init', '-y'], { cwd: app2 });
    const install = await execa(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        ...files.map((file) => join(tarballs, file)),
      ],
      { cwd: app2, reject: false, all: true },
    );
    expect(install.exitCode, install.all).toBe(0);
    const help = await execa('npx', ['--no-install', 'bk', '--help'], {
      cwd: app2,
      reject: false,
      all: true,
    });
    expect(help.exitCode, help.all).toBe(0);
    expect(help.stdout).toMatch(/^Usage: bk \[options\] \[command\]/);
    expect(help.stdout).toContain('doctor');
    const version = await execa('npx', ['--no-install', 'bk', '--version'], { cwd: app2 });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  }, 300_000);
});

let app2 = '';
