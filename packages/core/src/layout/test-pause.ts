import { writeFileSync } from 'node:fs';

/** The phase boundaries of a backup and of a prune where a test can stop bk. */
export type TestPausePhase = 'staged' | 'moved' | 'committed' | 'pruning';

/**
 * Test-only hook: when `BK_TEST_PAUSE_AT` names `phase`, writes `BK_TEST_PAUSE_MARKER` (if set)
 * and waits until `signal` aborts (Ctrl-C, SIGTERM) or the process is killed, so a test can kill bk
 * exactly between two steps. After an abort it returns and the caller goes on, as it would have
 * had the signal come at that moment. Does nothing unless the variable is set.
 */
export async function pauseForTests(phase: TestPausePhase, signal: AbortSignal | undefined): Promise<void> {
  if (process.env.BK_TEST_PAUSE_AT !== phase) return;
  const marker = process.env.BK_TEST_PAUSE_MARKER;
  if (marker) writeFileSync(marker, `${phase} ${process.pid}\n`);
  await new Promise<void>((resolve) => {
    // Keeps the event loop alive while nothing else is pending.
    const keepAlive = setInterval(() => {}, 1000);
    const done = () => {
      clearInterval(keepAlive);
      resolve();
    };
    if (signal?.aborted) done();
    else signal?.addEventListener('abort', done, { once: true });
  });
}
