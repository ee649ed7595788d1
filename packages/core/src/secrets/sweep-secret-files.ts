import { lstat, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `bk-secret-<pid>-<random>`: the directory of one process's secret file. */
const WITH_PID = /^bk-secret-(\d+)-[\w]+$/;
/** `bk-secret-<random>`: the naming of earlier versions, which carried no pid. */
const WITHOUT_PID = /^bk-secret-[\w]{6}$/;
/** Unnamed directories of earlier versions are swept once they are this old. */
const LEGACY_AGE_MS = 24 * 60 * 60 * 1000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the secret-file directories that processes killed with SIGKILL left in the temp
 * directory: `bk-secret-<pid>-*` whose pid is not running, and directories of earlier versions
 * (no pid in the name) older than a day. Only directories of the current user are touched.
 * Returns the paths removed. Never throws for one entry it cannot remove.
 */
export async function sweepSecretFiles(dir: string = tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  const uid = process.getuid?.();
  for (const name of await readdir(dir)) {
    const withPid = WITH_PID.exec(name);
    if (!withPid && !WITHOUT_PID.test(name)) continue;
    const path = join(dir, name);
    try {
      const stats = await lstat(path);
      if (!stats.isDirectory() || (uid !== undefined && stats.uid !== uid)) continue;
      const stale = withPid ? !isAlive(Number(withPid[1])) : Date.now() - stats.mtimeMs > LEGACY_AGE_MS;
      if (!stale) continue;
      await rm(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return removed;
}
