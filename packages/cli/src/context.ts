import type { ResolvedConfig } from './config/types.js';
import type { Reporter } from './output/reporter.js';

/** The global options, accepted before or after the command name. */
export interface GlobalOptions {
  /** `--config FILE`. */
  config?: string;
  /** `--json`. */
  json?: boolean;
  /** `--quiet`. */
  quiet?: boolean;
  /** `--verbose`. */
  verbose?: boolean;
  /** `--metrics-file PATH`: the Prometheus textfile to update (overrides `metrics.file`). */
  metricsFile?: string;
}

/** What every command receives. */
export interface CommandContext {
  /** The global options. */
  global: GlobalOptions;
  /** The only way to print. */
  reporter: Reporter;
  /** Aborted on Ctrl-C (SIGINT) or SIGTERM. */
  signal: AbortSignal;
  /** Loads the config once (memoized). */
  config(): Promise<ResolvedConfig>;
}

/** A command module: loaded only when its command runs. */
export interface CommandModule<Options> {
  /**
   * Runs the command; throws on failure (the error decides the exit code). Returns the fields of the
   * final `--json` result object, or nothing when the command printed its own JSON.
   */
  run(context: CommandContext, options: Options): Promise<Record<string, unknown> | undefined>;
  /**
   * The command stops gracefully on SIGINT/SIGTERM (it watches `context.signal`, finishes its work
   * and returns): the run then exits 0 instead of 130. @default false
   */
  gracefulStop?: boolean;
}
