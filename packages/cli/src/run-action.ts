import { AbortedError, onCommand, sweepSecretFiles } from '@bk/core';
import { CommandFailedError } from './command-failed-error.js';
import { loadConfig } from './config/load-config.js';
import type { ResolvedConfig } from './config/types.js';
import type { CommandContext, CommandModule, GlobalOptions } from './context.js';
import { startTracking } from './ops/start-tracking.js';
import { summarizeError } from './output/error-output.js';
import { Reporter, serializeError } from './output/reporter.js';

/**
 * Runs one command module with a reporter, the config loader, `--verbose` command logging and an
 * AbortSignal wired to SIGINT/SIGTERM. Returns the exit code: 0 done, 1 failed, 2 usage or config
 * error, 130 interrupted. A second Ctrl-C exits at once.
 */
export async function runAction<Options>(
  command: string,
  module: CommandModule<Options>,
  global: GlobalOptions,
  options: Options,
): Promise<number> {
  const reporter = new Reporter({
    json: global.json === true,
    quiet: global.quiet === true,
    verbose: global.verbose === true,
  });
  const controller = new AbortController();
  let interruptedBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interruptedBy !== undefined) {
      reporter.close();
      process.exit(130);
    }
    interruptedBy = signal;
    reporter.note(
      `${signal === 'SIGINT' ? 'interrupted' : 'terminated'}: stopping (press Ctrl-C again to quit now)`,
    );
    controller.abort(new AbortedError(`bk ${command}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const stopCommandLog = onCommand((event) => reporter.command(event.command));
  let configPromise: Promise<ResolvedConfig> | undefined;
  const context: CommandContext = {
    global,
    reporter,
    signal: controller.signal,
    config: () => {
      configPromise ??= loadConfig({ configOption: global.config });
      return configPromise;
    },
  };
  // Secret files that a bk killed with SIGKILL left in the temp directory (see createSecretFile).
  await sweepSecretFiles().catch(() => undefined);
  const tracker = await startTracking(command, context, options);
  try {
    const result = await module.run(context, options);
    if (interruptedBy && !module.gracefulStop) throw new AbortedError(`bk ${command}`);
    await tracker?.finish({ status: 'succeeded', result });
    if (result !== undefined) reporter.result({ command, ok: true, ...result });
    return 0;
  } catch (error) {
    const interrupted = interruptedBy !== undefined || summarizeError(error).exitCode === 130;
    reporter.close();
    await tracker?.finish({
      status: interrupted ? 'interrupted' : 'failed',
      error,
      result: error instanceof CommandFailedError ? error.result : undefined,
    });
    if (interrupted) {
      reporter.error(new AbortedError(`bk ${command}`, { cause: error }));
      reporter.result({ command, ok: false, error: serializeError(new AbortedError(`bk ${command}`)) });
      return 130;
    }
    reporter.error(error);
    const partial = error instanceof CommandFailedError ? error.result : {};
    reporter.result({ command, ok: false, ...partial, error: serializeError(error) });
    return summarizeError(error).exitCode;
  } finally {
    reporter.close();
    stopCommandLog();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
