import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { Rclone, type RcloneOptions } from '@bk/rclone';
import { type MediaStorage, RcloneStorage } from '../src/index.js';

/** A temp dir removed by `await using`. */
export async function tempDir(prefix: string): Promise<{ path: string } & AsyncDisposable> {
  const path = await mkdtemp(join(tmpdir(), `bk-media-${prefix}-`));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

/** A storage over a local dir remote. */
export function localStorage(dir: string, options: RcloneOptions = {}): MediaStorage {
  return new RcloneStorage({ remote: dir, rclone: new Rclone(options) });
}

/** A crypt remote over a local dir, defined only through RCLONE_CONFIG_* env with an obscured password. */
export async function cryptStorage(dir: string, options: RcloneOptions = {}): Promise<MediaStorage> {
  // Derived from the dir, so two storages over the same dir open the same crypt remote.
  const digest = createHash('sha256').update(dir).digest('hex');
  const name = `BKMEDIA${digest.slice(0, 8).toUpperCase()}`;
  const password = `pw-${digest.slice(8, 24)}`;
  const obscured = await new Rclone().obscure(password);
  const rclone = new Rclone({
    ...options,
    env: {
      [`RCLONE_CONFIG_${name}_TYPE`]: 'crypt',
      [`RCLONE_CONFIG_${name}_REMOTE`]: dir,
      [`RCLONE_CONFIG_${name}_PASSWORD`]: obscured,
    },
    secrets: [password, obscured],
  });
  return new RcloneStorage({ remote: `${name}:bk`, rclone });
}

/** Writes files (path → content) under root. */
export async function writeFiles(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

/** Every file under dir: relative path → content (base64) + mtime ms. */
export async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(current: string): Promise<void> {
    let names: string[];
    try {
      names = await readdir(current);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      const full = join(current, name);
      const info = await stat(full);
      if (info.isDirectory()) await walk(full);
      else out[relative(dir, full)] = `${(await readFile(full)).toString('base64')}@${info.mtimeMs}`;
    }
  }
  await walk(dir);
  return out;
}

/** Contents only (no times). */
export async function contents(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [path, value] of Object.entries(await snapshotDir(dir))) out[path] = value.split('@')[0]!;
  return out;
}

/** A clock that advances one minute per call from a fixed start. */
export function steppingClock(start = '2030-01-01T00:00:00Z'): () => Date {
  let time = Date.parse(start);
  return () => {
    const date = new Date(time);
    time += 60_000;
    return date;
  };
}

/** The remotes every media behaviour is proved on: a local directory, and crypt over one. */
export const MEDIA_REMOTES: [string, (dir: string, options?: RcloneOptions) => Promise<MediaStorage>][] = [
  ['local dir remote', async (dir, options) => localStorage(dir, options)],
  ['crypt remote over a local dir', (dir, options) => cryptStorage(dir, options)],
];
