import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { createFixture, type MysqlFixture } from './helpers/fixture.js';
import { sql } from './helpers/mariadb.js';

const PACKAGE_DIR = join(import.meta.dirname, '..');

/** The ```ts blocks of the README's Usage section, in order. */
async function usageSnippets(): Promise<string[]> {
  const readme = await readFile(join(PACKAGE_DIR, 'README.md'), 'utf8');
  const usage = readme.slice(readme.indexOf('## Usage'), readme.indexOf('## Options'));
  return [...usage.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

/**
 * Runs a README snippet with Node (type stripping) from inside this package, so
 * `@bk/connector-mysql` resolves to the built dist; `pnpm --filter @bk/connector-mysql build` first.
 */
async function runSnippet(code: string, cwd: string, env: Record<string, string> = {}): Promise<string> {
  const file = join(PACKAGE_DIR, 'test', `.readme-snippet-${process.pid}-${Date.now()}.mts`);
  await writeFile(file, code);
  try {
    const result = await execa('node', [file], { cwd, env, reject: false });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    return String(result.stdout);
  } finally {
    await rm(file, { force: true });
  }
}

describe('README usage snippets run', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function setUp(): Promise<{ fixture: MysqlFixture; dir: string }> {
    expect(existsSync(join(PACKAGE_DIR, 'dist/index.js')), 'build the package first').toBe(true);
    const fixture = await createFixture({ large: false });
    cleanups.push(() => fixture.cleanup());
    const dir = await mkdtemp(join(tmpdir(), 'bk-mysql-readme-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return { fixture, dir };
  }

  it('backs up to a local remote and restores through core', async () => {
    const { fixture, dir } = await setUp();
    const [snippet] = await usageSnippets();
    const code = snippet!
      .replace(
        "'mysql://backup@127.0.0.1:3306/app'",
        `'mysql://${fixture.user}@127.0.0.1:3306/${fixture.database}'`,
      )
      .replace("createStorage('./backups')", `createStorage(${JSON.stringify(join(dir, 'backups'))})`);
    expect(code).toContain(fixture.database);
    const output = await runSnippet(code, dir, { DB_PASSWORD: fixture.password });
    expect(output).toMatch(/^app-\d{4}-\d{2}-\d{2}-\d{6}\.sql \d+ [0-9a-f]{64}$/m);
  });

  it('streams a dump to a file and restores it, over the local socket', async () => {
    const { fixture, dir } = await setUp();
    const [, snippet] = await usageSnippets();
    const before = await fixture.snapshot();
    const code = snippet!.replace('/app?socket=', `/${fixture.database}?socket=`);
    expect(code).toContain(fixture.database);
    await runSnippet(code, dir);
    expect((await readFile(join(dir, 'app.sql'), 'utf8')).length).toBeGreaterThan(1000);
    expect(await fixture.snapshot()).toEqual(before);
    expect(await sql('SELECT COUNT(*) FROM users', { database: fixture.database })).toEqual([['3']]);
  });
});
