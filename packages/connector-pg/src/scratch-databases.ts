import { createHash } from 'node:crypto';
import { hostname } from 'node:os';

/** Characters of the target's name kept at the start of a scratch name (63-byte identifiers). */
const BASE_LENGTH = 30;
const SCRATCH = /^(.*)_bk_scratch_([0-9a-f]{4})_(\d{1,10})_([0-9a-z]{1,11})$/;

/** A scratch database of a parallel restore, recognised by its name. */
export interface ScratchDatabase {
  /** The database's name: `<target prefix>_bk_scratch_<host>_<pid>_<created, base 36 ms>`. */
  name: string;
  /** Four hex digits of a hash of the host name of the process that created it. */
  host: string;
  /** The pid of the process that created it. */
  pid: number;
  /** When it was created (epoch ms). */
  createdMs: number;
}

/** Four hex digits naming this host (a hash of its host name: the name itself is not revealed). */
export function hostTag(): string {
  return createHash('sha256').update(hostname()).digest('hex').slice(0, 4);
}

/** The prefix every scratch database of a restore into `target` starts with. */
export function scratchPrefix(target: string): string {
  return `${target.slice(0, BASE_LENGTH)}_bk_scratch_`;
}

/** A new scratch name for a restore into `target` by this process, created at `createdMs`. */
export function scratchName(target: string, createdMs: number): string {
  return `${scratchPrefix(target)}${hostTag()}_${process.pid}_${createdMs.toString(36)}`;
}

/** Parses a scratch database name of a restore into `target`; `undefined` for any other name. */
export function parseScratchName(target: string, name: string): ScratchDatabase | undefined {
  const match = SCRATCH.exec(name);
  if (!match || `${match[1]}_bk_scratch_` !== scratchPrefix(target)) return undefined;
  const createdMs = Number.parseInt(match[4] as string, 36);
  if (!Number.isSafeInteger(createdMs)) return undefined;
  return { name, host: match[2] as string, pid: Number(match[3]), createdMs };
}

/** Whether `pid` is a live process on this host. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Why a scratch database is left over: its creator on this host is dead (`dead`), or it is older
 * than `olderThanMs` (`old`, also for another host's); `undefined` while it may still be in use.
 */
export function leftoverReason(
  scratch: ScratchDatabase,
  olderThanMs: number,
  nowMs = Date.now(),
): 'dead' | 'old' | undefined {
  if (scratch.host === hostTag() && scratch.pid !== process.pid && !alive(scratch.pid)) return 'dead';
  return nowMs - scratch.createdMs > olderThanMs ? 'old' : undefined;
}
