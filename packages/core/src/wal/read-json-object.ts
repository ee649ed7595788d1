import type { Storage } from '../contracts/storage.js';

/** Reads a small object, or `undefined` when it does not exist (rclone's "not found"). */
export async function readIfExists(
  storage: Storage,
  path: string,
  signal: AbortSignal | undefined,
): Promise<Buffer | undefined> {
  try {
    return await storage.read(path, { signal });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'BK_RCLONE_NOT_FOUND') return undefined;
    throw error;
  }
}

/** Deletes `path`, ignoring any failure (cleanup after a failure that is already being reported). */
export async function deleteQuietly(storage: Storage, path: string): Promise<void> {
  try {
    await storage.delete(path);
  } catch {
    // The original failure is what matters; a staging leftover is swept later.
  }
}
