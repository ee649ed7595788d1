import { existsSync, rmSync } from 'node:fs';
import { chmod, mkdtemp, open, rm, rmdir, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweepSecretFiles } from './sweep-secret-files.js';

/**
 * Credentials for a tool that reads them from a file, readable only by the current user, gone by
 * `close()`. On Linux the file has no name at all while the tool runs: it is unlinked as soon as it
 * is written, and {@link SecretFile.path} is `/proc/<pid>/fd/<fd>`, a path to bk's own open file
 * descriptor that the tool (same user) opens like a file. The secret then dies with bk: a SIGKILL
 * leaves nothing behind.
 */
export interface SecretFile extends AsyncDisposable {
  /** The path to give the tool: `/proc/<pid>/fd/<fd>`, or a 0600 file in a 0700 directory. */
  readonly path: string;
  /** Closes the descriptor (and removes the file where one remains). Safe to call twice. */
  close(): Promise<void>;
}

/** Prefix of the private directories secret files are written in: `bk-secret-<pid>-<random>`. */
export const SECRET_DIR_PREFIX = 'bk-secret-';

const live = new Set<string>();
let exitHookInstalled = false;
let swept = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const dir of live) rmSync(dir, { recursive: true, force: true });
  });
}

/** True where a process can open its own descriptors by path (Linux procfs). */
function hasProcFd(): boolean {
  return existsSync(`/proc/${process.pid}/fd`);
}

/**
 * Writes `contents` for tools that read credentials from a file (`PGPASSFILE`,
 * `--defaults-extra-file`, `mongodump --config`), so no secret ever appears in a process list.
 * The directory is named after this process (`bk-secret-<pid>-...`), so the first call also sweeps
 * the directories of dead processes (see {@link sweepSecretFiles}). Use with `await using`.
 */
export async function createSecretFile(
  contents: string,
  options: { name?: string } = {},
): Promise<SecretFile> {
  if (!swept) {
    swept = true;
    await sweepSecretFiles().catch(() => undefined);
  }
  const dir = await mkdtemp(join(tmpdir(), `${SECRET_DIR_PREFIX}${process.pid}-`));
  live.add(dir);
  installExitHook();
  await chmod(dir, 0o700);
  const file = join(dir, options.name ?? 'secret');
  const handle = await open(file, 'wx', 0o600);
  let named = true;
  try {
    // Unlink before writing: the name only ever held an empty file, so a SIGKILL at any instant
    // leaves no secret on disk (the content lives on only behind this process's descriptor).
    if (hasProcFd()) {
      await unlink(file);
      await rmdir(dir);
      live.delete(dir);
      named = false;
    }
    await handle.writeFile(contents);
  } catch (error) {
    await handle.close();
    live.delete(dir);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const fd = handle.fd;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await handle.close().catch(() => undefined);
    if (named) {
      live.delete(dir);
      await rm(dir, { recursive: true, force: true });
    }
  };
  return { path: named ? file : `/proc/${process.pid}/fd/${fd}`, close, [Symbol.asyncDispose]: close };
}
