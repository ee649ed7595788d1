import { Command, type CommanderError, Option } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import { COMMANDS, type CommandSpec } from './command-specs.js';
import type { CommandModule, GlobalOptions } from './context.js';

/** The version of `@bk/cli`. */
export const CLI_VERSION: string = packageJson.version;

/** A commander usage error, with the command it happened in (for the hint). */
export class CommandLineError extends Error {
  readonly command: string | undefined;
  readonly exitCode: number;
  constructor(error: CommanderError, command: string | undefined) {
    super(error.message.replace(/^error: /, ''), { cause: error });
    this.name = 'CommandLineError';
    this.command = command;
    this.exitCode = error.exitCode;
  }
}

const GLOBAL_EXAMPLES = `
Examples:
  $ bk dbbackup                      back up the only configured database
  $ bk dbbackup --all --clean        back up all, then apply db.keep
  $ bk listbackups --json            complete backups as a JSON array, newest first
  $ bk dbrestore --noinput           restore the latest backup without asking
  $ bk verify --all                  check every backup's sha256

Config: --config FILE, BK_CONFIG, or bk.config.json (or .ts, .mjs, .js) in the working
directory or its parents, up to the git root; DATABASE_URL and BK_REMOTE work without one.
Exit codes: 0 done, 1 operation failed, 2 usage or config error, 130 interrupted.`;

/**
 * Builds the `bk` program. `onExit` receives the exit code of the command that ran. Command modules
 * (and @bk/core, the connectors, the progress bars) are imported only when a command runs.
 */
export function createProgram(onExit: (code: number) => void): Command {
  const program = new Command('bk')
    .description('Back up databases and media files to any rclone remote, and restore them.')
    .version(CLI_VERSION, '-V, --version', 'print the version')
    .option('--config <file>', 'config file (default: bk.config.{json,ts,mjs,js} here or in a parent folder)')
    .option('--json', 'machine-readable output: NDJSON events, then a result object')
    .option('-q, --quiet', 'print errors only')
    .option('-v, --verbose', 'show the commands run (secrets redacted) and stack traces')
    .option('--metrics-file <file>', 'update this Prometheus textfile after the run (default: metrics.file)')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .configureHelp({ showGlobalOptions: true })
    .showSuggestionAfterError(true)
    .addHelpText('after', GLOBAL_EXAMPLES);
  silence(program, undefined);
  for (const spec of COMMANDS) program.addCommand(createCommand(spec, onExit));
  return program;
}

function createCommand(spec: CommandSpec, onExit: (code: number) => void): Command {
  const command = new Command(spec.name)
    .summary(spec.summary)
    .description(spec.description)
    .helpOption('-h, --help', 'show help');
  // Operands are shown in the command's own usage line only, so `bk --help` keeps its columns narrow.
  if (spec.arguments) command.allowExcessArguments(true).usage(`[options] ${spec.arguments}`);
  for (const option of spec.options) {
    const built = new Option(option.flags, option.description);
    if (option.repeatable)
      // `-d a,b` as django-dbbackup users type it, and `-d a -d b`.
      built.argParser((value: string, previous: string[] | undefined) => [
        ...(previous ?? []),
        ...value
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name !== ''),
      ]);
    command.addOption(built);
  }
  const width = Math.max(...spec.examples.map(([line]) => line.length));
  const examples = spec.examples
    .map(([line, comment]) => `  $ ${line.padEnd(width)}  # ${comment}`)
    .join('\n');
  command.addHelpText('after', `\nExamples:\n${examples}`);
  command.configureHelp({ showGlobalOptions: true });
  silence(command, spec.name);
  command.action(async (parsed: Record<string, unknown>, self: Command) => {
    const options = spec.arguments ? { ...parsed, operands: [...self.args] } : parsed;
    const [{ runAction }, module] = await Promise.all([import('./run-action.js'), spec.load()]);
    const { config, json, quiet, verbose, metricsFile } = self.optsWithGlobals<GlobalOptions>();
    onExit(
      await runAction(
        spec.name,
        module as unknown as CommandModule<Record<string, unknown>>,
        { config, json, quiet, verbose, ...(metricsFile ? { metricsFile } : {}) },
        options,
      ),
    );
  });
  return command;
}

/** Commander prints nothing of its own errors; main prints them as `bk: ...` with a hint. */
function silence(command: Command, name: string | undefined): void {
  command.configureOutput({ outputError: () => {} });
  command.exitOverride((error) => {
    throw error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.code === 'commander.help'
      ? error
      : new CommandLineError(error, name);
  });
}
