import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { execa, type Options, type Result } from 'execa';
import { afterAll } from 'vitest';

/** The built binary: tests run what users run (`pnpm --filter @bk/cli build` first). */
export const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/bin.js');

if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run pnpm --filter @bk/cli build first`);

const created: string[] = [];
afterAll(async () => {
  await Promise.all(created.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh temporary directory, removed after the test file. */
export async function tempDir(prefix = 'bk-cli-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** The environment for a bk run: no color, no inherited bk settings. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    NO_COLOR: '1',
    FORCE_COLOR: undefined,
    CI: undefined,
    BK_CONFIG: undefined,
    BK_REMOTE: undefined,
    DATABASE_URL: undefined,
    ...extra,
  };
}

/** Runs the built `bk` in `cwd` and never rejects; stdin is empty (not a TTY) unless given. */
export function bk(
  cwd: string,
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; input?: string } & Pick<Options, 'cancelSignal'> = {},
): Promise<Result<{ reject: false }>> {
  return execa('node', [BIN, ...args], {
    cwd,
    reject: false,
    extendEnv: true,
    env: cleanEnv(options.env),
    input: options.input ?? '',
    stripFinalNewline: false,
  }) as unknown as Promise<Result<{ reject: false }>>;
}

/** Replaces the temp dir in output so it can be snapshotted. */
export function scrub(text: string, dir: string): string {
  return text.replaceAll(dir, '<dir>').replace(/\d{4}-\d\d-\d\d-\d{6}/g, '<stamp>');
}

/** Creates a small SQLite database with a few rows. */
export function createSmallDatabase(file: string): void {
  const db = new DatabaseSync(file);
  db.exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, data BLOB);
    INSERT INTO notes (body, data) VALUES ('héllo ✓', x'00ff10'), (NULL, NULL), ('plain', zeroblob(4));`);
  db.close();
}

/** A project: a temp dir with `app.db` and `bk.config.json` pointing at `./backups`. */
export async function createProject(
  config: Record<string, unknown> = {},
): Promise<{ dir: string; remote: string }> {
  const dir = await tempDir();
  createSmallDatabase(join(dir, 'app.db'));
  await writeConfig(dir, { remote: './backups', databases: { default: 'sqlite:./app.db' }, ...config });
  return { dir, remote: join(dir, 'backups') };
}

/** Writes `bk.config.json`. */
export async function writeConfig(dir: string, config: unknown, name = 'bk.config.json'): Promise<void> {
  await writeFile(join(dir, name), JSON.stringify(config, null, 2));
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
