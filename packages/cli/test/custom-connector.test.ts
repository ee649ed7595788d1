import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bk, filesUnder, tempDir, writeConfig } from './helpers.js';

/** The example third-party connector (TypeScript source, loaded through jiti). */
const EXAMPLE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../examples/custom-connector/src/index.ts',
);

/** A project whose database `uploads` is a directory, backed up by the custom connector `connector`. */
async function project(connector: (dir: string) => string) {
  const dir = await tempDir('bk-custom-connector-');
  const uploads = join(dir, 'uploads');
  await mkdir(join(uploads, 'nested'), { recursive: true });
  await writeFile(join(uploads, 'a.txt'), 'first version ✓');
  await writeFile(join(uploads, 'nested', 'b.bin'), Buffer.from([0, 255, 16]));
  await writeConfig(dir, {
    remote: './backups',
    databases: { uploads: { connector: connector(dir), dir: uploads } },
  });
  return { dir, uploads };
}

/** Round trip through the built binary: dbbackup → listbackups --json → dbrestore --noinput. */
async function roundTrip(dir: string, uploads: string): Promise<void> {
  const backup = await bk(dir, ['dbbackup', '-d', 'uploads']);
  expect(backup.stderr).toBe('');
  expect(backup.exitCode).toBe(0);

  const list = await bk(dir, ['listbackups', '--json']);
  expect(list.exitCode).toBe(0);
  const backups = JSON.parse(list.stdout) as { database: string; name: string; connector: string }[];
  expect(backups).toEqual([
    expect.objectContaining({
      database: 'uploads',
      connector: 'tar-dir',
      name: expect.stringMatching(/^uploads-\d{4}-\d\d-\d\d-\d{6}\.tar$/),
    }),
  ]);

  await writeFile(join(uploads, 'a.txt'), 'overwritten');
  await writeFile(join(uploads, 'new.txt'), 'not in the backup');
  const restore = await bk(dir, ['dbrestore', '--noinput']);
  expect(restore.exitCode).toBe(0);
  expect(await readFile(join(uploads, 'a.txt'), 'utf8')).toBe('first version ✓');
  expect(await readFile(join(uploads, 'nested', 'b.bin'))).toEqual(Buffer.from([0, 255, 16]));
  await expect(readFile(join(uploads, 'new.txt'))).rejects.toThrow(/ENOENT/);
}

/** Runs `bk dbbackup` and returns its stderr lines, asserting exit 2, no stdout and nothing written. */
async function configFailure(dir: string): Promise<string[]> {
  const result = await bk(dir, ['dbbackup']);
  expect(result.exitCode).toBe(2);
  expect(result.stdout).toBe('');
  expect(await filesUnder(join(dir, 'backups'))).toEqual([]);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines.length).toBeLessThanOrEqual(2);
  if (lines[1] !== undefined) expect(lines[1]).toMatch(/^hint: /);
  return lines;
}

describe('custom connectors: databases.<name>.connector as a module specifier', () => {
  it('a path relative to the config file: dbbackup → listbackups --json → dbrestore --noinput', async () => {
    const { dir, uploads } = await project((dir) => `./${relative(dir, EXAMPLE)}`);
    await roundTrip(dir, uploads);
  });

  it('a package name, resolved from the config file like an import', async () => {
    const { dir, uploads } = await project(() => '@acme/bk-connector-tar');
    const pkg = join(dir, 'node_modules', '@acme', 'bk-connector-tar');
    await mkdir(pkg, { recursive: true });
    await writeFile(
      join(pkg, 'package.json'),
      JSON.stringify({ name: '@acme/bk-connector-tar', type: 'module', exports: './index.ts' }),
    );
    await writeFile(join(pkg, 'index.ts'), `export { createConnector } from ${JSON.stringify(EXAMPLE)};\n`);
    await roundTrip(dir, uploads);
  });

  it('a module that does not exist: exit 2, one line naming the key', async () => {
    const { dir } = await project(() => './connectors/nope.mjs');
    const [first] = await configFailure(dir);
    expect(first).toBe('bk: databases.uploads.connector: cannot find connector module ./connectors/nope.mjs');
  });

  it('a module without createConnector, or one returning no v1 connector: exit 2 naming the key', async () => {
    const { dir } = await project(() => './connectors/bad.mjs');
    await mkdir(join(dir, 'connectors'));
    const module = join(dir, 'connectors', 'bad.mjs');
    await writeFile(module, 'export function createTarConnector() { return {}; }\n');
    expect((await configFailure(dir))[0]).toBe(
      `bk: databases.uploads.connector: connector module ${module} does not export a function createConnector(options)`,
    );

    await writeFile(
      module,
      `export const createConnector = () => ({ specificationVersion: 'v2', id: 'x' });\n`,
    );
    expect((await configFailure(dir))[0]).toBe(
      `bk: databases.uploads.connector: createConnector() of ${module} did not return a v1 connector: specificationVersion is "v2", expected "v1"`,
    );

    await writeFile(
      module,
      `export const createConnector = (options) => ({ specificationVersion: 'v1', id: 'x', extension: 'x',
        target: options.dir, secrets: [], capabilities: { atomicRestore: true, excludeTables: false,
        selectiveRestore: false, rowCounts: false, sizeEstimate: false }, restore() {}, describe() {}, check() {} });\n`,
    );
    expect((await configFailure(dir))[0]).toBe(
      `bk: databases.uploads.connector: createConnector() of ${module} did not return a v1 connector: dump() is missing`,
    );
  });
});
