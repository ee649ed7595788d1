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
      process.stderr.write(redactOutput(`bk: ${error.message.replace(/\n+/g, ' ').trim()}\n`));
      process.stderr.write(`hint: run bk ${error.command ? `${error.command} ` : ''}--help\n`);
      return 2;
    }
    if (error instanceof CommanderError) {
      // --help, `bk help` and --version exit 0; `bk` alone prints help to stderr and is a usage error.
      return error.exitCode === 0 ? 0 : 2;
    }
    const summary = summarizeError(error);
    process.stderr.write(redactOutput(`bk: ${summary.message}\n`));
    if (summary.hint) process.stderr.write(redactOutput(`hint: ${summary.hint}\n`));
    return summary.exitCode;
  }
}
