import { RcloneAbortedError } from './errors/rclone-aborted-error.js';
import { RcloneBinaryNotFoundError } from './errors/rclone-binary-not-found-error.js';
import { RcloneError } from './errors/rclone-error.js';
import { RcloneNotFoundError } from './errors/rclone-not-found-error.js';
import { RcloneRemoteNotFoundError } from './errors/rclone-remote-not-found-error.js';
import { describeExitCode } from './exit-codes.js';

/** Everything needed to explain a failed rclone run. */
export interface FailureContext {
  /** The binary that was run. */
  binary: string;
  /** The rclone subcommand (`rcat`). */
  subcommand: string;
  /** The redacted command line. */
  command: string;
  /** What the call was about, redacted (`to db/.partial/x`). */
  context: string | undefined;
  /** Masks secrets in text taken from the execa error. */
  redact: (text: string) => string;
  /** The redacted tail of rclone's stderr. */
  stderrTail: string;
  /** The call's signal. */
  signal: AbortSignal | undefined;
}

const REMOTE_NOT_FOUND =
  /didn't find section in config file|didn't find backend called|config name contains invalid characters|unknown backend/i;
const NOT_OBSCURED = /when revealing password - is it obscured\?/;
/** Network failures: the remote's server could not be reached at all. */
const UNREACHABLE =
  /connection refused|no such host|i\/o timeout|network is unreachable|no route to host|connection reset by peer|TLS handshake timeout|context deadline exceeded|dial tcp|server misbehaving/i;
/** The remote answered but refused the credentials (wrong, expired or revoked). */
const AUTH_FAILED =
  /\b401 Unauthorized|\b403 Forbidden|Unauthorized:|\bForbidden:|AuthenticationFailed|unable to authenticate|permission denied \(publickey|no supported methods remain|InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|TokenExpired|invalid_grant|token (?:has )?expired/i;
const NOT_FOUND =
  /is a directory or doesn't exist|no such file or directory|object not found|directory not found|file not found/i;

/**
 * Turns an execa failure into the matching typed error: missing binary, aborted call, unknown
 * remote, missing file or directory, or a plain {@link RcloneError} naming the exit code.
 */
export function toRcloneError(error: unknown, failure: FailureContext): RcloneError {
  const execaError = error as {
    code?: string;
    isCanceled?: boolean;
    exitCode?: number;
    signal?: string;
    cause?: unknown;
  };
  const causeCode = (execaError.cause as { code?: string } | undefined)?.code;
  const suffix = failure.context ? ` (${failure.context})` : '';
  // execa's own error repeats the raw command line (a connection string may hold a password):
  // chain a redacted copy instead.
  const execaMessage = (error as { shortMessage?: unknown }).shortMessage ?? (error as Error)?.message;
  const cause = Object.assign(new Error(failure.redact(String(execaMessage ?? error))), {
    name: 'ExecaError',
    code: execaError.code ?? causeCode,
  });
  const common = { command: failure.command, stderrTail: failure.stderrTail, cause };
  if (execaError.code === 'ENOENT' || causeCode === 'ENOENT') {
    return new RcloneBinaryNotFoundError(failure.binary, common);
  }
  if (execaError.isCanceled || failure.signal?.aborted) {
    return new RcloneAbortedError(`rclone ${failure.subcommand}${suffix}`, {
      ...common,
      cause: failure.signal?.reason ?? cause,
    });
  }
  const { exitCode } = execaError;
  const signal = exitCode === undefined ? execaError.signal : undefined;
  const described = exitCode === undefined ? undefined : describeExitCode(exitCode);
  const how =
    exitCode !== undefined
      ? `exited ${exitCode}${exitCode > 1 ? ` (${described?.meaning})` : ''}`
      : signal
        ? `was killed by ${signal}`
        : 'failed';
  const lines = failure.stderrTail.split('\n').filter(Boolean).slice(-3).join(' | ');
  const detail = lines || (exitCode === undefined ? '' : (described?.meaning ?? ''));
  const kind = AUTH_FAILED.test(lines)
    ? 'auth'
    : UNREACHABLE.test(lines) && !REMOTE_NOT_FOUND.test(failure.stderrTail)
      ? 'unreachable'
      : undefined;
  const what =
    kind === 'auth'
      ? ' (the remote refused the credentials)'
      : kind === 'unreachable'
        ? ' (remote unreachable)'
        : '';
  const message = `rclone ${failure.subcommand} ${how}${what}${detail ? `: ${detail}` : ''}${suffix}`;
  const fields = { ...common, exitCode, signal, hint: described?.hint };
  if (REMOTE_NOT_FOUND.test(failure.stderrTail))
    return new RcloneRemoteNotFoundError(message, { ...common, exitCode, signal });
  if (kind === 'auth') {
    // A config error (exit 2): nothing was changed, and retrying will not help until it is fixed.
    return new RcloneError(message, {
      ...fields,
      category: 'config',
      hint: "the remote refused the user or password (or key, token): check the remote's credentials in rclone config or RCLONE_CONFIG_* (passwords obscured), and whether they expired",
    });
  }
  if (kind === 'unreachable') {
    return new RcloneError(message, {
      ...fields,
      hint: 'the remote did not answer: check its host and port, that its server is running, and the network (rclone flags such as --contimeout bound the wait)',
    });
  }
  if (NOT_OBSCURED.test(failure.stderrTail)) {
    return new RcloneError(message, {
      ...fields,
      category: 'config',
      hint: 'passwords in rclone config, RCLONE_CONFIG_* variables and connection strings must be obscured (`rclone obscure`, Rclone.obscure())',
    });
  }
  if (exitCode === 3 || exitCode === 4 || (exitCode === 1 && NOT_FOUND.test(lines))) {
    return new RcloneNotFoundError(message, { ...fields, hint: 'check the path on the remote' });
  }
  return new RcloneError(message, fields);
}
