import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** True when `name` is an executable file in one of the `PATH` directories. */
export function isOnPath(name: string, path = process.env.PATH ?? ''): boolean {
  return path
    .split(delimiter)
    .filter(Boolean)
    .some((dir) => isExecutable(join(dir, name)));
}

/**
 * The first of `candidates` found on PATH, or the last one when none is (so the spawn fails with
 * a `BinaryNotFoundError` naming a real tool).
 */
export function pickBinary(candidates: readonly string[]): string {
  return candidates.find((name) => isOnPath(name)) ?? candidates.at(-1)!;
}
