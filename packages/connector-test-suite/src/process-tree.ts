import { readdir, readFile } from 'node:fs/promises';

/** One process seen in `/proc`. */
export interface ProcessInfo {
  /** Process id. */
  pid: number;
  /** Parent process id. */
  ppid: number;
  /** State letter from `/proc/<pid>/stat` (`R`, `S`, `Z` for a zombie, ...). */
  state: string;
}

async function readStat(pid: number): Promise<ProcessInfo | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces or parentheses: parse after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, state: fields[0] ?? '?', ppid: Number(fields[1]) };
  } catch {
    return undefined; // the process exited while we looked
  }
}

/**
 * Lists every descendant of `root` (children, grandchildren, ...) by reading `/proc`. Linux only.
 * @param root the process whose descendants are listed; @default process.pid
 */
export async function listDescendants(root: number = process.pid): Promise<ProcessInfo[]> {
  const entries = await readdir('/proc');
  const pids = entries.filter((name) => /^\d+$/.test(name)).map(Number);
  const infos = (await Promise.all(pids.map(readStat))).filter((info) => info !== undefined);
  const children = new Map<number, ProcessInfo[]>();
  for (const info of infos) {
    const siblings = children.get(info.ppid) ?? [];
    siblings.push(info);
    children.set(info.ppid, siblings);
  }
  const result: ProcessInfo[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const child of children.get(parent) ?? []) {
      result.push(child);
      queue.push(child.pid);
    }
  }
  return result;
}

/**
 * The pids of every descendant of `root`, read from `/proc`.
 * @param root @default process.pid
 */
export async function listDescendantPids(root: number = process.pid): Promise<number[]> {
  return (await listDescendants(root)).map((info) => info.pid);
}

/**
 * Reads a process's argv from `/proc/<pid>/cmdline`, or `undefined` when it has exited
 * (or is a zombie, whose cmdline is empty).
 */
export async function readCmdline(pid: number): Promise<string[] | undefined> {
  try {
    const raw = await readFile(`/proc/${pid}/cmdline`);
    if (raw.length === 0) return undefined;
    return raw.toString('utf8').replace(/\0$/, '').split('\0');
  } catch {
    return undefined;
  }
}

/**
 * Waits until no descendant of this process is left other than those in `baseline`, polling
 * `/proc`. Resolves to the pids still there when `timeoutMs` ran out (empty when all are gone).
 */
export async function waitForNoDescendants(
  options: {
    /** Descendants that existed before and are not counted. @default [] */
    baseline?: readonly number[];
    /** How long to wait. @default 5000 */
    timeoutMs?: number;
  } = {},
): Promise<number[]> {
  const baseline = new Set(options.baseline ?? []);
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  for (;;) {
    const left = (await listDescendantPids()).filter((pid) => !baseline.has(pid));
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
