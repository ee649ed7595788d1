import { CommanderError } from 'commander';
import { summarizeError } from './output/error-output.js';
import { redactOutput } from './output/output-redactor.js';
import { CommandLineError, createProgram } from './program.js';

/**
 * Runs the `bk` command line on `args` (without `node` and the script) and returns the exit code:
 * 0 done, 1 operation failed, 2 usage or config error, 130 interrupted. Prints through the reporter
 * only; usage errors print one `bk:` line and a hint.
 */
export async function main(args: readonly string[]): Promise<number> {
  let exitCode = 0;
  const program = createProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...args], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommandLineError) {
      const message = error.message.replace(/\n+/g, ' ').trim();
      const hint = `run bk ${error.command ? `${error.command} ` : ''}--help`;
      process.stderr.write(redactOutput(`bk: ${message}\n`));
      process.stderr.write(`hint: ${hint}\n`);
      // --json promises a final result object on stdout even when the command line is wrong.
      if (wantsJson(args))
        writeJsonResult(error.command, { code: 'BK_USAGE', message: redactOutput(message), hint });
      return 2;
    }
    if (error instanceof CommanderError) {
      // --help, `bk help` and --version exit 0; `bk` alone prints help to stderr and is a usage error.
      return error.exitCode === 0 ? 0 : 2;
    }
    const summary = summarizeError(error);
    process.stderr.write(redactOutput(`bk: ${summary.message}\n`));
    if (summary.hint) process.stderr.write(redactOutput(`hint: ${summary.hint}\n`));
    if (wantsJson(args)) {
      const { code, message, hint } = summary;
      writeJsonResult(undefined, {
        code,
        message: redactOutput(message),
        ...(hint ? { hint: redactOutput(hint) } : {}),
      });
    }
    return summary.exitCode;
  }
}

/** Whether `--json` was given (before a `--`), even if the rest of the command line is wrong. */
function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).includes('--json');
}

function writeJsonResult(command: string | undefined, error: Record<string, unknown>): void {
  const result = { type: 'result', ...(command ? { command } : {}), ok: false, error };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
