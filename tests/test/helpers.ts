import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type Options, type Result } from 'execa';
import { afterAll } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/** The built `bk` binary: these tests run what users run (`pnpm build` first). */
export const BIN = resolve(here, '../../packages/cli/dist/bin.js');
if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run pnpm build first`);

/** The byte-counting wrapper that kills a process at an offset. */
export const FAULT_WRAPPER = resolve(here, '../fixtures/fault-wrapper.mjs');

const created: string[] = [];
afterAll(async () => {
  await Promise.all(created.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh temporary directory, removed after the test file. */
export async function tempDir(prefix = 'bk-tests-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** A unique name for a database or directory (tests run in parallel). */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/** The outcome of one bk run. */
export type BkResult = Result<{ reject: false }>;

/** Runs the built `bk` in `cwd`; never rejects; stdin is empty (not a TTY). */
export function bk(
  cwd: string,
  args: readonly string[],
  options: { env?: Record<string, string | undefined> } & Pick<Options, 'cancelSignal'> = {},
): Promise<BkResult> {
  return execa(process.execPath, [BIN, ...args], {
    cwd,
    reject: false,
    extendEnv: true,
    env: {
      NO_COLOR: '1',
      FORCE_COLOR: undefined,
      BK_CONFIG: undefined,
      BK_REMOTE: undefined,
      DATABASE_URL: undefined,
      ...options.env,
    },
    input: '',
    stripFinalNewline: false,
    ...(options.cancelSignal ? { cancelSignal: options.cancelSignal } : {}),
  }) as unknown as Promise<BkResult>;
}

/** Writes `bk.config.json` into `dir`. */
export async function writeConfig(dir: string, config: unknown): Promise<void> {
  await writeFile(join(dir, 'bk.config.json'), JSON.stringify(config, null, 2));
}

/** Every file under `dir`, relative and sorted (empty when `dir` does not exist). */
export async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

/**
 * A seeded pseudo-random generator (mulberry32). The seed comes from `BK_TEST_SEED` or the clock
 * and is part of every failure message, so a failing offset can be replayed.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed for this run: `BK_TEST_SEED`, else the clock. */
export function testSeed(): number {
  return process.env.BK_TEST_SEED ? Number(process.env.BK_TEST_SEED) : Date.now() % 1_000_000_007;
}

/**
 * A directory of wrappers named like the real tools (`sqlite3`, `pg_dump`, `mariadb-dump`,
 * `mysqldump`, `mongodump`, `rclone`) that run them through the fault wrapper. Put it first on PATH
 * and set `rclone.binary` to its `rclone`. `path` is searched before PATH for the real tools (the
 * Mongo stand-ins' bin directory, for instance).
 */
export async function faultBin(path?: string): Promise<string> {
  const dir = join(await tempDir('bk-faultbin-'), 'bin');
  await mkdir(dir);
  const searchPath = path ? `${path}:${process.env.PATH}` : process.env.PATH;
  for (const tool of ['sqlite3', 'pg_dump', 'mariadb-dump', 'mysqldump', 'mongodump', 'rclone']) {
    const real = (
      await execa('sh', ['-c', `command -v ${tool}`], { reject: false, env: { PATH: searchPath } })
    ).stdout.trim();
    if (!real) continue;
    const file = join(dir, tool);
    // Only the calls that can be armed go through node (fast runs: most calls exec the tool).
    await writeFile(
      file,
      `#!/bin/sh\ncase "$BK_FAULT_KIND:$*" in\n  ${tool === 'rclone' ? 'rclone:*rcat*|bk:*rcat*' : 'dump:*'}) exec "${process.execPath}" "${FAULT_WRAPPER}" "${real}" "$@" ;;\n` +
        `  *) exec "${real}" "$@" ;;\nesac\n`,
    );
    await chmod(file, 0o755);
  }
  return dir;
}

/** Runs SQL through psql as postgres on 127.0.0.1. */
export async function psql(database: string, sql: string): Promise<string> {
  const result = await execa(
    'psql',
    ['-h', '127.0.0.1', '-U', 'postgres', '-d', database, '-XAtq', '-v', 'ON_ERROR_STOP=1'],
    {
      input: sql,
    },
  );
  return result.stdout;
}

/** Runs SQL through the mariadb client as root on 127.0.0.1. */
export async function mariadb(sql: string, database?: string): Promise<string> {
  const result = await execa(
    'mariadb',
    ['-h', '127.0.0.1', '-P', '3306', '-u', 'root', '-N', '-B', ...(database ? [database] : [])],
    {
      input: sql,
    },
  );
  return result.stdout;
}

/** The stand-in mongodump/mongorestore (no MongoDB can be installed here: see FACTS.md). */
export const MONGO_STANDIN_BIN = resolve(here, '../../packages/connector-mongo/test/fixtures/bin');

/**
 * A stand-in MongoDB "server" directory (what `BK_MONGO_STANDIN_DIR` points the stand-in tools at):
 * one root user with `password` and database `app` holding `collections`, each an array of
 * documents. Returns the directory and a `mongodb://` URL with the credentials.
 */
export async function mongoStandinServer(
  password: string,
  collections: Record<string, unknown[]>,
): Promise<{ dir: string; url: string }> {
  const dir = await tempDir('bk-mongo-server-');
  await writeFile(
    join(dir, 'server.json'),
    JSON.stringify({
      version: '7.0.14',
      host: '127.0.0.1',
      port: 27017,
      auth: true,
      users: [{ user: 'root', password, db: 'admin', roles: [{ role: 'root' }] }],
    }),
  );
  await mkdir(join(dir, 'data', 'app'), { recursive: true });
  for (const [name, documents] of Object.entries(collections))
    await writeFile(join(dir, 'data', 'app', `${name}.json`), JSON.stringify(documents));
  return { dir, url: `mongodb://root:${encodeURIComponent(password)}@127.0.0.1:27017/app?authSource=admin` };
}
