import { rmSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A file readable only by the current user, removed by `close()` or at process exit. */
export interface SecretFile extends AsyncDisposable {
  /** Absolute path of the file (mode 0600, in a mode 0700 directory). */
  readonly path: string;
  /** Removes the file and its directory. Safe to call twice. */
  close(): Promise<void>;
}

const live = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const dir of live) rmSync(dir, { recursive: true, force: true });
  });
}

/**
 * Writes `contents` to a new 0600 file in a private 0700 directory, for tools that read
 * credentials from a file (`PGPASSFILE`, `--defaults-extra-file`, `mongodump --config`), so no
 * secret ever appears in a process list. Use with `await using`.
 */
export async function createSecretFile(
  contents: string,
  options: { name?: string } = {},
): Promise<SecretFile> {
  const dir = await mkdtemp(join(tmpdir(), 'bk-secret-'));
  await chmod(dir, 0o700);
  const path = join(dir, options.name ?? 'secret');
  live.add(dir);
  installExitHook();
  await writeFile(path, contents, { mode: 0o600, flag: 'wx' });
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    live.delete(dir);
    await rm(dir, { recursive: true, force: true });
  };
  return { path, close, [Symbol.asyncDispose]: close };
}
