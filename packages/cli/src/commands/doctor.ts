import colors from 'picocolors';
import { CommandFailedError } from '../command-failed-error.js';
import type { ResolvedConfig } from '../config/types.js';
import type { CommandContext } from '../context.js';
import type { DoctorCheck } from '../doctor/doctor-check.js';
import { runChecks } from '../doctor/run-checks.js';
import { formatTable } from '../output/format.js';

/** Options of `bk doctor` (it has none of its own). */
export type DoctorOptions = Record<string, never>;

const LABELS = { pass: 'ok', warn: 'warn', fail: 'FAIL' } as const;

/**
 * `bk doctor`: checks the config, every binary, every database and the remote, prints a table
 * (or, with `--json`, a result object with every check) and exits 1 when any check fails.
 */
export async function run(context: CommandContext, _options: DoctorOptions) {
  const { reporter, signal } = context;
  let config: ResolvedConfig | { error: unknown };
  try {
    config = await context.config();
  } catch (error) {
    config = { error };
  }
  const checks = await runChecks({
    config,
    signal,
    onCheck: (check) => reporter.debug(`doctor: ${check.kind} ${check.target}: ${check.status}`),
  });
  if (signal.aborted) throw signal.reason;
  const rows = checks.map((check) => [LABELS[check.status], check.kind, check.target, check.detail]);
  const lines = formatTable([['STATUS', 'CHECK', 'TARGET', 'DETAIL'], ...rows]);
  lines.forEach((line, index) => {
    const check = checks[index - 1];
    reporter.print(index === 0 || !check ? line : paint(check, line));
  });
  const failing = checks.filter((check) => check.status === 'fail');
  for (const check of failing) {
    if (check.hint) reporter.print(`${colors.dim('hint:')} ${check.target}: ${check.hint}`);
  }
  const result = { ok: failing.length === 0, checks };
  if (failing.length > 0) {
    throw new CommandFailedError(
      `${failing.length} of ${checks.length} checks failed: ${failing.map(describe).join(', ')}`,
      result,
      { hint: 'fix the failures above, then run bk doctor again' },
    );
  }
  reporter.note(`all ${checks.length} checks passed`);
  return result;
}

function describe(check: DoctorCheck): string {
  return check.kind === 'config' || check.kind === 'remote' ? check.kind : `${check.kind} ${check.target}`;
}

function paint(check: DoctorCheck, line: string): string {
  if (check.status === 'pass') return line.replace(/^ok/, colors.green('ok'));
  if (check.status === 'warn') return line.replace(/^warn/, colors.yellow('warn'));
  return line.replace(/^FAIL/, colors.red('FAIL'));
}
