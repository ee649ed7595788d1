import { PassThrough, type Readable, type Writable } from 'node:stream';
import createDebug from 'debug';
import { execa, type ResultPromise } from 'execa';
import type { RcloneRedactor } from './redact.js';
import type { StderrLog } from './stderr-log.js';
import { toRcloneError } from './to-rclone-error.js';

const debug = createDebug('bk:rclone');

/** One rclone run, fully resolved by the `Rclone` class. */
export interface SpawnSpec {
  binary: string;
  subcommand: string;
  /** Everything after the binary, subcommand first. */
  args: readonly string[];
  /** The complete environment of the child (already merged; removed variables are absent). */
  env: Record<string, string>;
  redactor: RcloneRedactor;
  /** What the call is about, for messages (redacted here). */
  context: string | undefined;
  signal: AbortSignal | undefined;
  log: StderrLog;
  onCommand: ((command: string) => void) | undefined;
  /** What rclone reads on stdin. */
  stdin: 'ignore' | 'pipe' | { text: string };
  /** What happens to rclone's stdout. */
  stdout: 'ignore' | 'pipe';
}

/** A started rclone process. */
export interface Started {
  child: ResultPromise;
  /** Settles when rclone exits; rejects with a typed error. Never unhandled. */
  exited: Promise<void>;
}

/** Quotes arguments for display only (never executed through a shell). */
export function formatCommand(file: string, args: readonly string[]): string {
  return [file, ...args]
    .map((part) => (/^[\w@%+=:,./-]+$/.test(part) ? part : `'${part.replaceAll("'", `'\\''`)}'`))
    .join(' ');
}

/** Starts rclone with stderr parsed by `spec.log` and failures mapped to typed errors. */
export function startRclone(spec: SpawnSpec): Started {
  const command = spec.redactor.redact(formatCommand(spec.binary, spec.args));
  const context = spec.context === undefined ? undefined : spec.redactor.redact(spec.context);
  debug('run %s', command);
  spec.onCommand?.(command);
  const child = execa(spec.binary, [...spec.args], {
    stdin: typeof spec.stdin === 'object' ? 'pipe' : spec.stdin,
    input: typeof spec.stdin === 'object' ? spec.stdin.text : undefined,
    stdout: spec.stdout,
    stderr: 'pipe',
    buffer: false,
    env: spec.env,
    extendEnv: false,
    cancelSignal: spec.signal,
    forceKillAfterDelay: 3000,
  });
  spec.log.attach(child.stderr);
  const exited = child.then(
    () => {
      debug('done %s', command);
    },
    (error: unknown) => {
      spec.log.flush();
      const failure = toRcloneError(error, {
        binary: spec.binary,
        subcommand: spec.subcommand,
        command,
        context,
        stderrTail: spec.redactor.redact(spec.log.tail()),
        redact: (text) => spec.redactor.redact(text),
        signal: spec.signal,
      });
      debug('failed %s: %s', command, failure.message);
      throw failure;
    },
  );
  exited.catch(() => {});
  return { child, exited };
}

/** Runs rclone to completion and returns its whole stdout (small outputs: lsjson, hashsum, version). */
export async function runCollect(spec: SpawnSpec): Promise<string> {
  const { child, exited } = startRclone({ ...spec, stdout: 'pipe' });
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
  await exited;
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Runs rclone whose stdout is data (`cat`). The returned stream ends only after rclone exited 0;
 * if rclone fails, the stream is destroyed with the same error `done` rejects with, so a consumer
 * never mistakes a truncated download for a complete one. Destroying the stream early kills rclone.
 */
export function runReader(spec: SpawnSpec): { stream: Readable; done: Promise<void> } {
  const { child, exited } = startRclone({ ...spec, stdout: 'pipe' });
  const output = new PassThrough();
  // A caller may only await `done`: the stream's error must not become an uncaught exception.
  output.on('error', () => {});
  const stdout = child.stdout as Readable;
  stdout.pipe(output, { end: false });
  let finished = false;
  const done = Promise.all([exited, new Promise<void>((resolve) => stdout.once('close', resolve))]).then(
    () => {
      finished = true;
      output.end();
    },
    (error: unknown) => {
      finished = true;
      output.destroy(error as Error);
      throw error;
    },
  );
  done.catch(() => {});
  output.once('close', () => {
    if (!finished) {
      debug('cat output destroyed before its end: stopping rclone');
      child.kill();
      // rclone may already have exited 0 with its last bytes still in the pipe behind a paused
      // stdout, which then never ends: destroy it so `done` settles.
      stdout.destroy();
    }
  });
  return { stream: output, done };
}

/**
 * Runs rclone reading `input` on stdin (`rcat`), with backpressure. If `input` fails (or closes
 * before its end), rclone is killed with SIGKILL *before* its stdin is closed: local and sftp
 * remotes write straight to the final name, and an end of input would look like a complete file.
 * The promise then rejects with the input's error. If rclone fails first, the input is paused and
 * left to the caller. `written.bytes` counts the bytes handed to rclone.
 */
export function runWriter(
  spec: SpawnSpec,
  input: Readable,
  written: { bytes: number } = { bytes: 0 },
): Promise<void> {
  const { child, exited } = startRclone({ ...spec, stdin: 'pipe', stdout: 'ignore' });
  const stdin = child.stdin as Writable;
  let inputError: unknown;
  // EPIPE when rclone exits early: its own exit status reports the cause.
  stdin.on('error', (error) => debug('rclone stdin: %s', error.message));
  const onData = (chunk: Buffer) => {
    written.bytes += chunk.length;
    if (!stdin.write(chunk)) input.pause();
  };
  const onDrain = () => input.resume();
  const onEnd = () => stdin.end();
  const onFailure = (error: unknown) => {
    if (inputError !== undefined) return;
    inputError = error ?? new Error('input stream closed before its end');
    debug('input failed, killing rclone before closing its stdin: %O', inputError);
    child.kill('SIGKILL');
    stdin.destroy();
  };
  const onClose = () => {
    if (!input.readableEnded) onFailure(undefined);
  };
  // The error listener stays: an input failing after rclone is gone must not crash the process.
  const detach = () => {
    input.off('data', onData);
    input.off('end', onEnd);
    input.off('close', onClose);
    stdin.off('drain', onDrain);
  };
  input.on('data', onData);
  input.once('end', onEnd);
  input.once('error', onFailure);
  input.once('close', onClose);
  stdin.on('drain', onDrain);
  if (input.readableEnded) onEnd();
  else if (input.destroyed) onFailure(input.errored ?? undefined);
  const done = exited.then(
    () => {
      detach();
      if (inputError !== undefined) throw inputError;
    },
    (error: unknown) => {
      detach();
      if (inputError === undefined && !input.readableEnded) input.pause();
      throw inputError ?? error;
    },
  );
  done.catch(() => {});
  return done;
}
