import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/** A fresh temp directory. */
export function tempDir(prefix = 'bk-core-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes `size` random bytes to a new file and returns its path and sha256. */
export function dataFile(
  dir: string,
  size: number,
  name = 'data.bin',
): { path: string; sha256: string; size: number } {
  const bytes = randomBytes(size);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, size, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Every file under `root`, as `/`-separated relative paths, sorted. */
export function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(root, path).split('\\').join('/'));
    }
  };
  walk(root);
  return out.sort();
}

/**
 * Writes an executable wrapper around the real rclone: for the subcommand `subcommand` it runs
 * `body` (sh), which gets the real arguments as "$@"; other subcommands exec rclone unchanged.
 */
export function rcloneWrapper(dir: string, subcommand: string, body: string): string {
  const path = join(dir, `rclone-${subcommand}-wrapper.sh`);
  writeFileSync(path, `#!/bin/sh\nif [ "$1" = "${subcommand}" ]; then\n${body}\nfi\nexec rclone "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A clock fixed at `iso` (backupDatabase reads it for startedAt and finishedAt). */
export function at(iso: string): () => Date {
  return () => new Date(iso);
}
