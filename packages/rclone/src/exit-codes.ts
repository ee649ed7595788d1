/** What rclone's documented exit codes mean, and what to do about them. */
const EXIT_CODES: Record<number, { meaning: string; hint?: string }> = {
  1: { meaning: 'error (usage or most other failures)' },
  2: { meaning: 'uncategorised error' },
  3: { meaning: 'directory not found', hint: 'check the path on the remote' },
  4: { meaning: 'file not found', hint: 'check the path on the remote' },
  5: { meaning: 'temporary error', hint: 'retry later: rclone says more retries may fix it' },
  6: { meaning: 'less serious error', hint: 'some files were not transferred; see the stderr tail' },
  7: {
    meaning: 'fatal error',
    hint: 'retrying will not help: check the account, credentials and quota of the remote',
  },
  8: {
    meaning: 'transfer limit reached',
    hint: 'the --max-transfer limit was reached: raise or remove it and run again',
  },
  9: { meaning: 'no files were transferred', hint: 'rclone was run with --error-on-no-transfer' },
};

/**
 * Describes an rclone exit code: `{ meaning: 'file not found', hint: ... }`. Unknown codes get
 * `meaning: 'exit code N'`.
 */
export function describeExitCode(exitCode: number): { meaning: string; hint: string | undefined } {
  const known = EXIT_CODES[exitCode];
  return { meaning: known?.meaning ?? `exit code ${exitCode}`, hint: known?.hint };
}
