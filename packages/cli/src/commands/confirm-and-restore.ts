import { type BackupInfo, type Connector, type RestoreDatabaseResult, restoreDatabase } from '@bk/core';
import type { CommandContext } from '../context.js';
import { formatBytes, formatDuration } from '../output/format.js';
import { locked } from './locking.js';

/** What {@link confirmAndRestore} restores, where, and what it asks first. */
export interface RestorePlan {
  storage: Parameters<typeof locked>[0];
  connector: Connector;
  /** The database alias the backup belongs to (and the lock's name). */
  database: string;
  backup: BackupInfo;
  /** How long to wait for another bk run's lock. */
  waitMs: number;
  /** The confirmation question, or `undefined` to restore without asking (`--noinput`). */
  question: string | undefined;
  /** What the lock says is running (`restore`, `restore drill`). */
  lockLabel: string;
  /** Appended to the summary line after the backup's path (` into <target>`). */
  into?: string;
  /**
   * Runs once the user said yes and the lock is held, before the restore (the drill creates a
   * missing scratch database here, so declining changes nothing).
   */
  prepare?: () => Promise<void>;
  /**
   * Runs the restore once the lock is held (`bk dbrestore --jobs N` passes `restorePgParallel`).
   * @default restoreDatabase of `backup` into `connector`, one session
   */
  restore?: () => Promise<RestoreDatabaseResult>;
}

/**
 * The step `bk dbrestore` and the restore drill share: ask (unless `--noinput`), take the remote
 * lock, restore with the sha256 checked before commit, print one summary line. Resolves
 * `undefined` when the user said no (nothing was changed).
 */
export async function confirmAndRestore<Result extends RestoreDatabaseResult>(
  context: CommandContext,
  plan: RestorePlan & { restore: () => Promise<Result> },
): Promise<Result | undefined>;
export async function confirmAndRestore(
  context: CommandContext,
  plan: RestorePlan,
): Promise<RestoreDatabaseResult | undefined>;
export async function confirmAndRestore(
  context: CommandContext,
  plan: RestorePlan,
): Promise<RestoreDatabaseResult | undefined> {
  const { reporter, signal } = context;
  if (plan.question !== undefined) {
    if (!(await confirmOrEndOfInput(plan.question, signal))) return undefined;
  }
  const restore =
    plan.restore ??
    (() =>
      restoreDatabase({
        storage: plan.storage,
        connector: plan.connector,
        database: plan.database,
        backup: plan.backup,
        signal,
        onEvent: reporter.onEvent,
      }));
  const restored = await locked(
    plan.storage,
    plan.database,
    plan.lockLabel,
    plan.waitMs,
    signal,
    async () => {
      await plan.prepare?.();
      return restore();
    },
  );
  reporter.print(
    `${plan.database}: restored ${restored.backup.path}${plan.into ?? ''}  ${formatBytes(restored.bytes)}  ${formatDuration(restored.durationMs)}`,
  );
  return restored;
}

/**
 * Asks `question` (default no). Ctrl-D (end of input) answers no, as `rm -i` does: the prompt
 * library would otherwise wait forever on a closed terminal and Node would exit 13 with a warning.
 */
async function confirmOrEndOfInput(question: string, signal: AbortSignal): Promise<boolean> {
  const { confirm } = await import('@inquirer/prompts');
  const endOfInput = new AbortController();
  const onKeypress = (_text: unknown, key: { ctrl?: boolean; name?: string } | undefined) => {
    if (key?.ctrl && key.name === 'd') endOfInput.abort();
  };
  const onEnd = () => endOfInput.abort();
  process.stdin.on('keypress', onKeypress);
  process.stdin.once('end', onEnd);
  try {
    return await confirm(
      { message: question, default: false },
      { signal: AbortSignal.any([signal, endOfInput.signal]), output: process.stderr },
    );
  } catch (error) {
    if (endOfInput.signal.aborted && !signal.aborted) {
      process.stderr.write('\n');
      return false;
    }
    throw error;
  } finally {
    process.stdin.off('keypress', onKeypress);
    process.stdin.off('end', onEnd);
  }
}
