import { Readable } from 'node:stream';
import { Rclone, type RcloneEntry, type RcloneOptions } from '@bk/rclone';
import type {
  Storage,
  StorageCallOptions,
  StorageEntry,
  StorageReadHandle,
  TransferProgress,
} from '../contracts/storage.js';
import { ConfigError } from '../errors/config-error.js';
import { reportCommand } from '../process/command-log.js';
import { Redactor } from '../secrets/redact.js';
import { joinRemote, parseRemote, redactRemote, remoteRoot } from './remote.js';
import { s3ChunkSize } from './s3-chunk-size.js';
import type { RcloneStorageOptions } from './types.js';

const CONFIG_FAILURE =
  /didn't find section in config file|unknown backend|couldn't find backend|failed to create file system/i;

/** `@bk/rclone` says so in the message when the remote's server could not be reached at all. */
const UNREACHABLE = /\(remote unreachable\)/;

const UNDECRYPTABLE = /Skipping undecryptable (?:file|dir) name|failed to authenticate decrypted block/i;

function toEntry(entry: RcloneEntry): StorageEntry {
  return { path: entry.Path, name: entry.Name, size: entry.Size, modTime: entry.ModTime, isDir: entry.IsDir };
}

function createRclone(rclone: Rclone | RcloneOptions | undefined): Rclone {
  if (rclone instanceof Rclone) return rclone;
  const options = rclone ?? {};
  return new Rclone({
    ...options,
    onCommand: (command) => {
      options.onCommand?.(command);
      reportCommand({ process: 'rclone', command });
    },
  });
}

/**
 * The default {@link Storage}: objects under a base path of any rclone remote, through `@bk/rclone`.
 * `put` streams with `rclone rcat`, `get` with `rclone cat`, `list` uses `lsjson` (a missing
 * directory is an empty listing), `move` is a server-side `moveto` where the backend has one.
 *
 * Uploads pass `--ignore-checksum` by default: bk hashes every byte itself (sha256, in-stream) and
 * checks the stored size after the upload, so rclone's own md5 pass would only cost a CPU core.
 */
export class RcloneStorage implements Storage {
  /** Contract version. */
  readonly specificationVersion = 'v1' as const;
  /** The rclone wrapper used for every call. */
  readonly rclone: Rclone;
  /** The remote, secrets redacted, for messages. */
  readonly location: string;
  /** The base in rclone syntax (`name:path`, `:local:/x`, or an absolute directory). */
  readonly base: string;
  readonly #ignoreChecksum: boolean;

  /** @throws {@link ConfigError} when `remote` is empty or malformed. */
  constructor(options: RcloneStorageOptions) {
    this.base = parseRemote(options.remote).base;
    this.rclone = createRclone(options.rclone);
    this.#ignoreChecksum = options.ignoreChecksum ?? true;
    this.location = new Redactor(this.rclone.options.secrets ?? []).redact(redactRemote(this.base));
  }

  /** Joins the base and a relative path in rclone syntax (`offsite:app/db/x`, `/var/backups/db/x`). */
  remotePath(path: string): string {
    return joinRemote(this.base, path);
  }

  /**
   * Lists the base directory once. A missing local directory is fine (it is created on first
   * upload); an unknown remote or backend fails with a config error (CLI exit 2), and so does a
   * crypt remote whose password does not decrypt the names it holds (`BK_CRYPT_PASSWORD`).
   */
  async check(options: StorageCallOptions = {}): Promise<void> {
    let log = '';
    let empty = false;
    try {
      // -vv makes a crypt remote say when names do not decrypt: a wrong password lists nothing and
      // exits 0, which must not read as "no backups". Only matched, never shown (it echoes argv).
      const listed = await this.#listWithLog(this.remotePath(''), options.signal);
      log = listed.stderr;
      empty = listed.empty;
    } catch (error) {
      if ((error as { code?: string; exitCode?: number }).exitCode === 3) {
        empty = true;
      } else {
        throw this.#checkFailure(error);
      }
    }
    // Under a wrong password the base's own name encrypts differently, so the base looks missing or
    // empty: the root then shows the names that do not decrypt. Best-effort (the root may not be
    // listable, such as an S3 account's buckets).
    const root = remoteRoot(this.base);
    if (empty && root !== undefined && root !== this.base && !UNDECRYPTABLE.test(log)) {
      log += (await this.#listWithLog(root, options.signal).catch(() => undefined))?.stderr ?? '';
    }
    if (UNDECRYPTABLE.test(log)) {
      throw new ConfigError(
        `remote ${this.location} holds objects whose names do not decrypt: the crypt password (or password2) is wrong`,
        {
          key: 'remote',
          code: 'BK_CRYPT_PASSWORD',
          hint: "check the crypt remote's password and password2 (rclone config show); nothing was changed",
        },
      );
    }
  }

  async #listWithLog(
    remotePath: string,
    signal: AbortSignal | undefined,
  ): Promise<{ stderr: string; empty: boolean }> {
    const listed = await this.rclone.run(
      ['lsjson', '--max-depth', '1', '--no-modtime', '-vv', '--', remotePath],
      {
        signal,
      },
    );
    return { stderr: listed.stderr, empty: /^\s*\[\s*\]\s*$/.test(listed.stdout) };
  }

  #checkFailure(error: unknown): unknown {
    const failure = error as { category?: string; stderrTail?: string; message?: string };
    // rclone's S3 backend cannot use AWS_CA_BUNDLE with its own HTTP transport: not a missing remote.
    if (/LoadCustomCABundleError/.test(`${failure.stderrTail ?? ''} ${failure.message ?? ''}`)) {
      return new ConfigError(
        `remote ${this.location}: rclone's S3 backend cannot use the CA bundle that AWS_CA_BUNDLE names (LoadCustomCABundleError)`,
        {
          key: 'AWS_CA_BUNDLE',
          hint: 'unset AWS_CA_BUNDLE for bk (rclone then trusts the system\'s CAs), or give the bundle to rclone with rclone.flags ["--ca-cert", FILE]',
          cause: error,
        },
      );
    }
    // An unreachable server also fails "to create file system" (sftp connects there): that is an
    // operation failure (exit 1) with its own hint, not a config error.
    if (
      failure.category !== 'config' &&
      !UNREACHABLE.test(failure.message ?? '') &&
      CONFIG_FAILURE.test(`${failure.stderrTail ?? ''} ${failure.message ?? ''}`)
    ) {
      return new ConfigError(`remote ${this.location} is not usable: ${failure.message ?? String(error)}`, {
        key: 'remote',
        code: 'BK_RCLONE_REMOTE_NOT_FOUND',
        hint: 'run `rclone config` to create the remote, or fix `remote`',
        cause: error,
      });
    }
    return error;
  }

  /**
   * Streams `input` to `path` with `rclone rcat` (a staging name: local and sftp write in place).
   * `estimatedBytes` (never passed as `--size`: it is only an estimate) raises `--s3-chunk-size`
   * when the default would cap the stream below twice the estimate; other backends ignore the flag.
   */
  async put(
    path: string,
    input: Readable,
    options: StorageCallOptions & {
      onProgress?: (progress: TransferProgress) => void;
      sizeHint?: number;
      estimatedBytes?: number;
    } = {},
  ): Promise<void> {
    const onProgress = options.onProgress;
    const chunkSize = s3ChunkSize(options.estimatedBytes ?? options.sizeHint);
    await this.rclone.rcat(this.remotePath(path), input, {
      signal: options.signal,
      ...(chunkSize ? { flags: ['--s3-chunk-size', chunkSize] } : {}),
      ignoreChecksum: this.#ignoreChecksum,
      sizeHint: options.sizeHint,
      onProgress: onProgress && ((progress) => onProgress({ bytes: progress.bytes, speed: progress.speed })),
    });
  }

  /** Opens `path` with `rclone cat`. */
  get(path: string, options: StorageCallOptions = {}): StorageReadHandle {
    return this.rclone.cat(this.remotePath(path), { signal: options.signal });
  }

  /** Reads a small object whole. */
  async read(path: string, options: StorageCallOptions = {}): Promise<Buffer> {
    const handle = this.get(path, options);
    const settled = handle.done.then(
      () => undefined,
      (error: unknown) => error,
    );
    const chunks: Buffer[] = [];
    for await (const chunk of handle.stream) chunks.push(chunk as Buffer);
    const failure = await settled;
    if (failure !== undefined) throw failure;
    return Buffer.concat(chunks);
  }

  /**
   * Reads every file directly in `dir` whose name matches the rclone filter `include` (such as
   * `*.json`) with one `rclone cat`, concatenated. Used to read many one-line manifests at once.
   */
  async readConcatenated(dir: string, include: string, options: StorageCallOptions = {}): Promise<Buffer> {
    const handle = this.rclone.cat(this.remotePath(dir), {
      signal: options.signal,
      flags: ['--include', `/${include}`, '--max-depth', '1'],
    });
    const chunks: Buffer[] = [];
    const settled = handle.done.then(
      () => undefined,
      (error: unknown) => error,
    );
    for await (const chunk of handle.stream) chunks.push(chunk as Buffer);
    const failure = await settled;
    if (failure === undefined) return Buffer.concat(chunks);
    // A missing directory holds nothing; never use the output of a failed run.
    if ((failure as { code?: string }).code === 'BK_RCLONE_NOT_FOUND') return Buffer.alloc(0);
    throw failure;
  }

  /** Writes a small object whole (`rclone rcat`). */
  async write(path: string, data: string | Uint8Array, options: StorageCallOptions = {}): Promise<void> {
    const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    await this.rclone.rcat(this.remotePath(path), Readable.from([buffer]), {
      signal: options.signal,
      ignoreChecksum: this.#ignoreChecksum,
    });
  }

  /** Lists `dir` (`lsjson`); a missing directory lists as empty. */
  async list(
    dir: string,
    options: StorageCallOptions & { recursive?: boolean } = {},
  ): Promise<StorageEntry[]> {
    const entries = await this.rclone.lsjson(this.remotePath(dir), {
      signal: options.signal,
      recursive: options.recursive ?? false,
    });
    return entries.map(toEntry);
  }

  /** Renames an object with `rclone moveto` (server-side on local, sftp, crypt, webdav, S3). */
  async move(from: string, to: string, options: StorageCallOptions = {}): Promise<void> {
    await this.rclone.moveto(this.remotePath(from), this.remotePath(to), { signal: options.signal });
  }

  /** Deletes an object; a missing object is not an error. */
  async delete(path: string, options: StorageCallOptions = {}): Promise<void> {
    await this.rclone.deletefile(this.remotePath(path), { signal: options.signal, ignoreMissing: true });
  }
}
