import type { CommandContext } from '../context.js';
import { LOGGED_COMMANDS, RunTracker, TRACKED_COMMANDS } from './run-tracker.js';

/**
 * Starts a {@link RunTracker} for a command that does work, tapped into the reporter's events, and
 * sends the run's `started` notifications; for a command that only looks (`LOGGED_COMMANDS`), one
 * that only appends the run log. Returns `undefined` for other commands. A config that
 * does not load is left for the command to report (the run is still logged with `--metrics-file`).
 */
export async function startTracking(
  command: string,
  context: CommandContext,
  options: unknown,
): Promise<RunTracker | undefined> {
  if (LOGGED_COMMANDS.has(command)) {
    const config = await context.config().catch(() => undefined);
    if (!config?.ops.logFile) return undefined;
    const tracker = new RunTracker({
      command,
      reporter: context.reporter,
      config,
      metricsFile: undefined,
      selected: undefined,
      logOnly: true,
    });
    context.reporter.tap(tracker.onEvent);
    return tracker;
  }
  if (!TRACKED_COMMANDS.has(command)) return undefined;
  const config = await context.config().catch(() => undefined);
  const metricsFile = context.global.metricsFile;
  if (!config && !metricsFile) return undefined;
  if (
    config &&
    !metricsFile &&
    !config.ops.logFile &&
    !config.ops.metricsFile &&
    config.ops.notify.length === 0
  ) {
    return undefined;
  }
  const tracker = new RunTracker({
    command,
    reporter: context.reporter,
    config,
    metricsFile,
    selected: selectedDatabases(command, options, config?.databases.map((database) => database.name) ?? []),
  });
  context.reporter.tap(tracker.onEvent);
  tracker.started();
  return tracker;
}

/** The databases the command was asked to work on: `-d`, `--all`, or the only configured one. */
function selectedDatabases(command: string, options: unknown, configured: string[]): string | undefined {
  if (command.startsWith('media')) return 'media';
  const { database, all } = (options ?? {}) as { database?: unknown; all?: unknown };
  if (typeof database === 'string') return database;
  if (Array.isArray(database) && database.length > 0) return database.join(',');
  if (all === true || configured.length === 1) return configured.join(',') || undefined;
  return undefined;
}
