import { pipeline, type Readable, Transform, type Writable } from 'node:stream';
import createDebug from 'debug';
import { execa, type ResultPromise } from 'execa';
import type { DumpHandle } from '../contracts/connector.js';
import { AbortedError } from '../errors/aborted-error.js';
import { BinaryNotFoundError } from '../errors/binary-not-found-error.js';
import { ProcessError } from '../errors/process-error.js';
import { Redactor } from '../secrets/redact.js';
import { formatCommand, reportCommand } from './command-log.js';
import { failStream } from './fail-stream.js';
import { StderrTail } from './stderr-tail.js';

const debug = createDebug('bk:process');

/** How to run one external program. Secrets go in `env` or files, never in `args`. */
export interface ProcessSpec {
  /** Name used in messages (`pg_dump`). Defaults to the binary's base name. */
  name?: string;
  /** Binary name or path. */
  file: string;
  /** Arguments. Never put a secret here. */
  args: readonly string[];
  /** Extra environment for the child (merged over `process.env`). */
  env?: Record<string, string | undefined>;
  /** Working directory. */
  cwd?: string;
  /** Values to mask in stderr tails and messages. */
  secrets?: readonly string[];
  /** Install hint used when the binary is missing (`apt-get install postgresql-client`). */
  installHint?: string;
  /** What the process is doing, appended to error messages (`dump of "default"`). */
  context?: string;
  /** Kills the process (SIGTERM, then SIGKILL after 3 s). */
  signal?: AbortSignal;
  /** Data written to stdin of {@link runCommand}. */
  input?: string;
}

function displayName(spec: ProcessSpec): string {
  return spec.name ?? spec.file.split('/').pop() ?? spec.file;
}

function start(spec: ProcessSpec, stdio: { stdin: 'pipe' | 'ignore'; stdout: 'pipe' | 'ignore' }) {
  const redactor = new Redactor(spec.secrets);
  const command = redactor.redact(formatCommand(spec.file, spec.args));
  debug('run %s', command);
  reportCommand({ process: displayName(spec), command });
  const child = execa(spec.file, [...spec.args], {
    stdin: stdio.stdin,
    stdout: stdio.stdout,
    stderr: 'pipe',
    buffer: false,
    env: spec.env,
    extendEnv: true,
    cwd: spec.cwd,
    cancelSignal: spec.signal,
    forceKillAfterDelay: 3000,
    stripFinalNewline: false,
  });
  const tail = new StderrTail().attach(child.stderr);
  return { child, tail, redactor };
}

/**
 * Turns an execa failure into a bk error: a missing binary becomes {@link BinaryNotFoundError},
 * a cancelled run {@link AbortedError}, anything else {@link ProcessError} with the redacted stderr tail.
 */
export function toProcessError(
  error: unknown,
  spec: ProcessSpec,
  stderrTail: string,
  redactor?: Redactor,
): Error {
  const name = displayName(spec);
  const failure = error as {
    code?: string;
    isCanceled?: boolean;
    exitCode?: number;
    signal?: string;
    cause?: unknown;
  };
  const causeCode = (failure.cause as { code?: string } | undefined)?.code;
  if (failure.code === 'ENOENT' || causeCode === 'ENOENT') {
    return new BinaryNotFoundError(
      spec.file,
      spec.installHint ?? `install ${name} or set its path in the config`,
    );
  }
  if (failure.isCanceled || spec.signal?.aborted) {
    return new AbortedError(spec.context ?? name, { cause: spec.signal?.reason });
  }
  return new ProcessError({
    process: name,
    exitCode: failure.exitCode,
    signal: failure.exitCode === undefined ? failure.signal : undefined,
    stderrTail: (redactor ?? new Redactor(spec.secrets)).redact(stderrTail),
    context: spec.context,
  });
}

function settle(
  child: ResultPromise,
  spec: ProcessSpec,
  tail: StderrTail,
  redactor: Redactor,
): Promise<void> {
  const done = child.then(
    () => undefined,
    (error: unknown) => {
      throw toProcessError(error, spec, tail.toString(), redactor);
    },
  );
  // Callers await `done`; this only keeps an unobserved failure from crashing the process.
  done.catch(() => {});
  return done;
}

/**
 * The program's stdout, whose end is held back until the program has exited: it ends when `exited`
 * resolves and fails with `exited`'s error when it rejects ({@link failStream}: destroyed without
 * an error when nobody listens), so a consumer that only reads the stream (and forgets `done`)
 * never takes a failed dump's output for a complete one. Destroying the
 * returned stream destroys stdout, so the program stops instead of blocking on a full pipe.
 */
function holdEndUntil(stdout: Readable, exited: Promise<void>): Readable {
  const held = new Transform({
    transform(chunk, _encoding, callback) {
      callback(null, chunk);
    },
    flush(callback) {
      exited.then(
        () => callback(),
        (error: unknown) => failStream(held, error as Error),
      );
    },
  });
  pipeline(stdout, held, () => {});
  return held;
}

/**
 * Runs a program whose stdout is the data (a dump tool). Read `stream` to the end and await `done`;
 * `done` rejects with the program's exit code and stderr tail when it fails, and `stream` then fails
 * with the same error instead of ending.
 */
export function spawnReader(spec: ProcessSpec): DumpHandle {
  const { child, tail, redactor } = start(spec, { stdin: 'ignore', stdout: 'pipe' });
  const done = settle(child, spec, tail, redactor);
  const stream = holdEndUntil(child.stdout as Readable, done);
  // After an abort nobody wants the rest: a paused consumer must not keep the killed program's
  // stdout (and so `done`) open.
  const onAbort = () => stream.destroy();
  spec.signal?.addEventListener('abort', onAbort, { once: true });
  const forget = () => spec.signal?.removeEventListener('abort', onAbort);
  done.then(forget, forget);
  return { stream, done };
}

/**
 * Runs a program that reads `input` on stdin (a restore tool). Resolves when it exits 0 after the
 * whole input was delivered. If `input` fails, the program is killed with SIGKILL *before* its
 * stdin is closed, so it never sees a clean end of input it could commit on; the promise then
 * rejects with the input's error.
 */
export function spawnWriter(spec: ProcessSpec, input: Readable): Promise<void> {
  const { child, tail, redactor } = start(spec, { stdin: 'pipe', stdout: 'ignore' });
  const stdin = child.stdin as Writable;
  let inputError: unknown;
  // EPIPE when the program exits early: its own exit status reports the cause.
  stdin.on('error', () => {});
  input.on('data', (chunk: Buffer) => {
    if (!stdin.write(chunk)) input.pause();
  });
  stdin.on('drain', () => input.resume());
  input.once('end', () => stdin.end());
  const onInputFailure = (error: unknown) => {
    if (inputError !== undefined) return;
    inputError = error ?? new Error('input stream closed before its end');
    child.kill('SIGKILL');
    stdin.destroy();
  };
  input.once('error', onInputFailure);
  input.once('close', () => {
    if (!input.readableEnded) onInputFailure(undefined);
  });
  const exited = settle(child, spec, tail, redactor);
  const done = exited.then(
    () => {
      if (inputError !== undefined) throw inputError;
    },
    (error: unknown) => {
      throw inputError ?? error;
    },
  );
  done.catch(() => {});
  return done;
}

/** Runs a short program and returns its output (versions, checks). Rejects like {@link spawnReader}. */
export async function runCommand(spec: ProcessSpec): Promise<{ stdout: string; stderr: string }> {
  const redactor = new Redactor(spec.secrets);
  const command = redactor.redact(formatCommand(spec.file, spec.args));
  debug('run %s', command);
  reportCommand({ process: displayName(spec), command });
  try {
    const result = await execa(spec.file, [...spec.args], {
      env: spec.env,
      extendEnv: true,
      cwd: spec.cwd,
      cancelSignal: spec.signal,
      forceKillAfterDelay: 3000,
      input: spec.input,
      stdin: spec.input === undefined ? 'ignore' : undefined,
    });
    return { stdout: String(result.stdout), stderr: String(result.stderr) };
  } catch (error) {
    throw toProcessError(error, spec, String((error as { stderr?: unknown }).stderr ?? ''), redactor);
  }
}
