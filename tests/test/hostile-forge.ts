import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type BkResult, bk, tempDir } from './helpers.js';

/**
 * Forges the latest backup on a local remote as someone who can write the remote would: replaces
 * the object with `content` and rewrites its manifest's `sha256` and `bytes` to match, so the
 * forged backup passes every integrity check bk has. Row counts are dropped from the manifest.
 */
export async function forgeLatestBackup(
  dir: string,
  remote: string,
  content: string | Buffer,
): Promise<void> {
  const listed = await bk(dir, ['listbackups', '--json']);
  expect(listed.exitCode, listed.stderr).toBe(0);
  const [latest] = JSON.parse(listed.stdout) as { path: string }[];
  if (!latest) throw new Error('no backup to forge');
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  await writeFile(join(remote, latest.path), bytes);
  const manifestFile = join(remote, `${latest.path}.json`);
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Record<string, unknown>;
  manifest.sha256 = createHash('sha256').update(bytes).digest('hex');
  manifest.bytes = bytes.length;
  delete manifest.rowCounts;
  await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** What a hostile dump tries to reach on the restoring machine, and how to tell it did. */
export interface Canaries {
  /** A directory of the restoring machine the attack aims at. */
  dir: string;
  /** A 0600 file whose content must never reach the database (it is also valid SQL). */
  secretFile: string;
  /** The secret value inside `secretFile`. */
  secret: string;
  /** A value put in bk's environment that must never reach the database. */
  envValue: string;
  /** The environment to run bk with (carries `envValue`). */
  env: Record<string, string>;
  /** A file an existing program would own; overwriting it is a write on the restoring machine. */
  victimFile: string;
  /** The victim's content before the restore. */
  victimContent: string;
  /** A path that a command run by the dump would create. */
  ranFile: string;
  /** A path that a client-side output command (`tee`, `.output`, `.log`) would create. */
  writtenFile: string;
}

/** Sets up fresh canaries in their own directory. */
export async function createCanaries(secretSql: (secret: string) => string): Promise<Canaries> {
  const dir = await tempDir('bk-hostile-');
  await chmod(dir, 0o777);
  const secret = `SECRET-${randomBytes(8).toString('hex')}`;
  const envValue = `ENVCANARY-${randomBytes(8).toString('hex')}`;
  const secretFile = join(dir, 'secret.sql');
  await writeFile(secretFile, secretSql(secret), { mode: 0o600 });
  const victimFile = join(dir, 'victim.txt');
  const victimContent = `precious ${randomBytes(4).toString('hex')}\n`;
  await writeFile(victimFile, victimContent);
  return {
    dir,
    secretFile,
    secret,
    envValue,
    env: { BK_HOSTILE_CANARY: envValue },
    victimFile,
    victimContent,
    ranFile: join(dir, 'ran'),
    writtenFile: join(dir, 'written'),
  };
}

/**
 * Asserts a hostile restore failed with a clear error naming the restore tool and changed nothing
 * on this machine: no command ran, no file was written, the victim file is intact, and neither the
 * secret nor the environment canary is in `targetContent` (everything the target database holds).
 */
export async function expectNothingLeaked(
  result: BkResult,
  canaries: Canaries,
  targetContent: string,
  tool: RegExp,
): Promise<void> {
  const output = `${result.stdout}${result.stderr}`;
  expect(result.exitCode, output).toBe(1);
  expect(result.stderr, output).toMatch(tool);
  expect(existsSync(canaries.ranFile), 'a command of the dump ran').toBe(false);
  expect(existsSync(canaries.writtenFile), 'the dump wrote a file').toBe(false);
  expect(await readFile(canaries.victimFile, 'utf8')).toBe(canaries.victimContent);
  expect(targetContent).not.toContain(canaries.secret);
  expect(targetContent).not.toContain(canaries.envValue);
  expect(output).not.toContain(canaries.secret);
  expect(output).not.toContain(canaries.envValue);
}
