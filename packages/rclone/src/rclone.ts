import type { Readable } from 'node:stream';
import { RcloneError } from './errors/rclone-error.js';
import { RcloneNotFoundError } from './errors/rclone-not-found-error.js';
import { isSecretEnvName, RcloneRedactor } from './redact.js';
import { runCollect, runReader, runWriter, type SpawnSpec } from './spawn.js';
import { StderrLog } from './stderr-log.js';
import type {
  CatOptions,
  DeletefileOptions,
  LsjsonOptions,
  RcatOptions,
  RcloneCallOptions,
  RcloneEntry,
  RcloneOptions,
  RcloneProgress,
  RcloneProgressOptions,
  RcloneReadHandle,
  RcloneVersion,
  RunOptions,
  SyncOptions,
  SyncResult,
} from './types.js';

/** What one call needs besides its arguments. */
interface CallSpec {
  subcommand: string;
  /** This subcommand's own flags. */
  flags?: readonly string[];
  /** Positional arguments (paths), placed after `--` so a path starting with `-` is never a flag. */
  args: readonly string[];
  /** Pass `args` as they are, with no `--` (for {@link Rclone.run}). */
  verbatim?: boolean;
  options: RcloneCallOptions | undefined;
  context?: string;
  /** Adds the `--stats ... --use-json-log` flags. */
  stats?: { interval: string | undefined; onProgress?: (progress: RcloneProgress) => void };
  mapProgress?: (progress: RcloneProgress) => RcloneProgress;
  stdin?: SpawnSpec['stdin'];
  keepStderr?: boolean;
}

/**
 * A typed wrapper over the rclone binary. Each method runs one rclone command; failures reject
 * with typed errors ({@link RcloneError} and subclasses) whose messages carry the exit code and the
 * redacted tail of rclone's stderr. Data streams through (`rcat`, `cat`) without buffering.
 *
 * @example
 * ```ts
 * const rclone = new Rclone({ env: { RCLONE_CONFIG_BACKUPS_TYPE: 'local' } });
 * await rclone.rcat('backups:db/dump.sql', createReadStream('dump.sql'));
 * ```
 */
export class Rclone {
  /** The options this instance was created with. */
  readonly options: RcloneOptions;
  readonly #redactor: RcloneRedactor;

  constructor(options: RcloneOptions = {}) {
    this.options = options;
    this.#redactor = new RcloneRedactor(options.secrets);
    for (const [name, value] of Object.entries(options.env ?? {})) {
      if (value !== undefined && isSecretEnvName(name)) this.#redactor.add(value);
    }
  }

  /** Masks this instance's secrets, URL passwords and connection-string secrets in `text`. */
  redact(text: string): string {
    return this.#redactor.redact(text);
  }

  /**
   * Uploads `input` to `remotePath` (`rclone rcat`), with backpressure.
   *
   * If `input` errors (or closes before its end), rclone is killed with SIGKILL before its stdin is
   * closed, and the promise rejects with the input's error. rclone never sees an end of input, so
   * it never reports success for a partial stream; but local and sftp remotes write straight to the
   * final name, so a partial object may remain there: upload to a staging name, then `moveto`.
   *
   * rclone exits 0 whenever its stdin ends, even if the process producing the data died: a caller
   * piping another program's stdout must check that program's exit status too.
   */
  async rcat(remotePath: string, input: Readable, options: RcatOptions = {}): Promise<void> {
    const args: string[] = [];
    const written = { bytes: 0 };
    if (options.ignoreChecksum) args.push('--ignore-checksum');
    if (options.sizeHint !== undefined) args.push('--size', String(options.sizeHint));
    const spec = this.#spec({
      subcommand: 'rcat',
      flags: args,
      args: [remotePath],
      options,
      context: `to ${remotePath}`,
      stats: options.onProgress
        ? { interval: options.statsInterval, onProgress: options.onProgress }
        : undefined,
      // rclone 1.60 counts small streams (below --streaming-upload-cutoff) twice: never report
      // more than was handed to it.
      mapProgress: (progress) => ({
        ...progress,
        bytes: Math.min(progress.bytes, written.bytes),
        totalBytes: options.sizeHint,
      }),
    });
    await runWriter(spec, input, written);
  }

  /**
   * Streams an object (`rclone cat`). Read `stream` to its end and await `done`. The stream only
   * ends once rclone exited 0; on failure it is destroyed with the error `done` rejects with.
   * Progress comes from stderr, so it never mixes with the data (this wrapper never uses `-P`).
   * Note: `cat` of a directory concatenates every file under it.
   */
  cat(remotePath: string, options: CatOptions = {}): RcloneReadHandle {
    const args: string[] = [];
    if (options.offset !== undefined) args.push('--offset', String(options.offset));
    if (options.count !== undefined) args.push('--count', String(options.count));
    const spec = this.#spec({
      subcommand: 'cat',
      flags: args,
      args: [remotePath],
      options,
      context: `from ${remotePath}`,
      stats: options.onProgress
        ? { interval: options.statsInterval, onProgress: options.onProgress }
        : undefined,
    });
    return runReader(spec);
  }

  /**
   * Lists a directory (`rclone lsjson`). A directory that does not exist (rclone exit 3) lists as
   * `[]`; the stdout of a failed run is never parsed.
   */
  async lsjson(remotePath: string, options: LsjsonOptions = {}): Promise<RcloneEntry[]> {
    const args: string[] = [];
    if (options.recursive) args.push('-R');
    if (options.filesOnly) args.push('--files-only');
    if (options.dirsOnly) args.push('--dirs-only');
    if (options.hash) args.push('--hash');
    if (typeof options.hash === 'string') args.push('--hash-type', options.hash);
    if (options.maxDepth !== undefined) args.push('--max-depth', String(options.maxDepth));
    if (options.noModTime) args.push('--no-modtime');
    let stdout: string;
    try {
      stdout = await runCollect(
        this.#spec({ subcommand: 'lsjson', flags: args, args: [remotePath], options, context: remotePath }),
      );
    } catch (error) {
      if (error instanceof RcloneNotFoundError && error.exitCode === 3) return [];
      throw error;
    }
    return JSON.parse(stdout) as RcloneEntry[];
  }

  /** Copies one object to a new name (`rclone copyto`). */
  async copyto(src: string, dst: string, options: RcloneProgressOptions = {}): Promise<void> {
    await runCollect(
      this.#spec({
        subcommand: 'copyto',
        args: [src, dst],
        options,
        context: `${src} -> ${dst}`,
        stats: options.onProgress
          ? { interval: options.statsInterval, onProgress: options.onProgress }
          : undefined,
      }),
    );
  }

  /** Moves or renames one object (`rclone moveto`); server-side on local, crypt, sftp, WebDAV and S3. */
  async moveto(src: string, dst: string, options: RcloneCallOptions = {}): Promise<void> {
    await runCollect(
      this.#spec({ subcommand: 'moveto', args: [src, dst], options, context: `${src} -> ${dst}` }),
    );
  }

  /**
   * Deletes one file (`rclone deletefile --retries 1`: rclone would otherwise retry a missing file
   * three times). A missing file rejects with {@link RcloneNotFoundError}, or resolves with
   * `ignoreMissing`.
   */
  async deletefile(remotePath: string, options: DeletefileOptions = {}): Promise<void> {
    try {
      await runCollect(
        this.#spec({
          subcommand: 'deletefile',
          flags: ['--retries', '1'],
          args: [remotePath],
          options,
          context: remotePath,
        }),
      );
    } catch (error) {
      if (options.ignoreMissing && error instanceof RcloneNotFoundError) return;
      throw error;
    }
  }

  /** Deletes a directory and everything under it (`rclone purge`). */
  async purge(remotePath: string, options: RcloneCallOptions = {}): Promise<void> {
    await runCollect(this.#spec({ subcommand: 'purge', args: [remotePath], options, context: remotePath }));
  }

  /** Creates a directory (`rclone mkdir`); succeeds if it exists. */
  async mkdir(remotePath: string, options: RcloneCallOptions = {}): Promise<void> {
    await runCollect(this.#spec({ subcommand: 'mkdir', args: [remotePath], options, context: remotePath }));
  }

  /**
   * Makes `dst` identical to `src` (`rclone sync`), deleting extra files from `dst` (or moving them,
   * and the files it replaces, into `backupDir`). Returns rclone's final stats; with `dryRun`,
   * also what it would copy and delete.
   */
  sync(src: string, dst: string, options: SyncOptions = {}): Promise<SyncResult> {
    return this.#transfer('sync', src, dst, options);
  }

  /** Copies new and changed files from `src` to `dst` (`rclone copy`), never deleting. Like {@link sync}. */
  copy(src: string, dst: string, options: SyncOptions = {}): Promise<SyncResult> {
    return this.#transfer('copy', src, dst, options);
  }

  /**
   * Hashes every file under `remotePath` (`rclone hashsum <type>`), or one file. Returns a map of
   * path (relative to `remotePath`; the file name for a file) to hash.
   */
  async hashsum(
    hashType: string,
    remotePath: string,
    options: RcloneCallOptions = {},
  ): Promise<Map<string, string>> {
    const stdout = await runCollect(
      this.#spec({ subcommand: 'hashsum', args: [hashType, remotePath], options, context: remotePath }),
    );
    const hashes = new Map<string, string>();
    for (const line of stdout.split('\n')) {
      const match = /^(\S+) {2}(.+)$/.exec(line);
      if (match) hashes.set(match[2]!, match[1]!);
    }
    return hashes;
  }

  /** rclone's version (`rclone version`): `{ version: '1.60.1-DEV', raw }`. */
  async version(options: RcloneCallOptions = {}): Promise<RcloneVersion> {
    const raw = await runCollect(this.#spec({ subcommand: 'version', args: [], options }));
    const match = /^rclone v?(\S+)/m.exec(raw);
    if (!match) throw new RcloneError(`rclone version printed no version: ${this.redact(raw.slice(0, 200))}`);
    return { version: match[1]!, raw };
  }

  /**
   * Runs any rclone command (`args[0]` is the subcommand) with this instance's config, flags and
   * env, and returns its output. Pass secrets through `input` (stdin), never `args`.
   */
  async run(args: readonly string[], options: RunOptions = {}): Promise<{ stdout: string; stderr: string }> {
    const [subcommand = '', ...rest] = args;
    const spec = this.#spec({
      subcommand,
      args: rest,
      verbatim: true,
      options,
      stdin: options.input === undefined ? 'ignore' : { text: options.input },
      keepStderr: true,
    });
    const stdout = await runCollect(spec);
    return { stdout, stderr: spec.log.raw() };
  }

  /**
   * Obscures a password for rclone's config or `RCLONE_CONFIG_<NAME>_PASS` (`rclone obscure -`).
   * The password goes through stdin, never argv. Passwords containing a line break are rejected
   * (rclone reads one line).
   */
  async obscure(password: string): Promise<string> {
    if (/[\r\n]/.test(password)) {
      throw new RcloneError('rclone obscure: the password contains a line break', {
        category: 'config',
        hint: 'rclone reads one line from stdin; use a password without line breaks',
      });
    }
    const stdout = await runCollect(
      this.#spec({ subcommand: 'obscure', args: ['-'], options: {}, stdin: { text: password } }),
    );
    const obscured = stdout.trim();
    this.#redactor.add(password).add(obscured);
    return obscured;
  }

  async #transfer(
    subcommand: 'sync' | 'copy',
    src: string,
    dst: string,
    options: SyncOptions,
  ): Promise<SyncResult> {
    const args: string[] = [];
    if (options.backupDir !== undefined) args.push('--backup-dir', options.backupDir);
    for (const pattern of options.exclude ?? []) args.push('--exclude', pattern);
    if (options.dryRun) args.push('--dry-run');
    if (options.checksum) args.push('--checksum');
    const spec = this.#spec({
      subcommand,
      flags: args,
      args: [src, dst],
      options,
      context: `${src} -> ${dst}`,
      stats: { interval: options.statsInterval, onProgress: options.onProgress },
    });
    await runCollect(spec);
    const stats = spec.log.stats;
    const result: SyncResult = {
      transferred: stats?.transfers ?? 0,
      bytes: stats?.bytes ?? 0,
      deleted: stats?.deletes ?? 0,
      checks: stats?.checks ?? 0,
    };
    if (options.dryRun) {
      const planned = { copy: [] as string[], delete: [] as string[] };
      for (const skip of spec.log.skipped) {
        if (skip.action === 'copy') planned.copy.push(skip.object);
        else if (skip.action === 'delete' || skip.action === 'move into backup dir')
          planned.delete.push(skip.object);
      }
      planned.copy.sort();
      planned.delete.sort();
      result.planned = planned;
    }
    return result;
  }

  #spec(call: CallSpec): SpawnSpec {
    const global: string[] = ['--ask-password=false'];
    if (this.options.configFile !== undefined) global.push('--config', this.options.configFile);
    const stats: string[] = [];
    // A notice listener needs each message's object: JSON log lines carry it apart from the text.
    if (call.options?.onNotice && !call.stats) stats.push('--use-json-log');
    if (call.stats) {
      stats.push(
        '--stats',
        call.stats.interval ?? '1s',
        '--stats-one-line',
        '--use-json-log',
        '--stats-log-level',
        'NOTICE',
      );
    }
    const args = [
      call.subcommand,
      ...global,
      ...stats,
      ...(this.options.flags ?? []),
      ...(call.options?.flags ?? []),
      ...(call.flags ?? []),
      ...(call.verbatim || call.args.length === 0 ? [] : ['--']),
      ...call.args,
    ];
    return {
      binary: this.options.binary ?? 'rclone',
      subcommand: call.subcommand,
      args,
      env: this.#env(),
      redactor: this.#redactor,
      context: call.context,
      signal: call.options?.signal,
      log: new StderrLog({
        onProgress: call.stats?.onProgress,
        mapProgress: call.mapProgress,
        keepRaw: call.keepStderr,
        onNotice: call.options?.onNotice,
      }),
      onCommand: this.options.onCommand,
      stdin: call.stdin ?? 'ignore',
      stdout: 'pipe',
    };
  }

  #env(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(process.env)) if (value !== undefined) env[name] = value;
    for (const [name, value] of Object.entries(this.options.env ?? {})) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
    return env;
  }
}
