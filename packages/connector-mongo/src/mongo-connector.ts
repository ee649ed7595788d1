import { Readable } from 'node:stream';
import {
  AbortedError,
  BkError,
  type Connector,
  type ConnectorCapabilities,
  type ConnectorDescription,
  createSecretFile,
  type DumpHandle,
  type DumpOptions,
  EmptyBackupError,
  failStream,
  type ProcessSpec,
  type RestoreOptions,
  readHead,
  runCommand,
  type SecretFile,
  spawnReader,
  spawnWriter,
} from '@bk/core';
import createDebug from 'debug';
import { stringify } from 'yaml';
import { knowsPrelude, readArchiveHead } from './archive-head.js';
import { type ArchivePrelude, readPrelude } from './archive-prelude.js';
import { buildDumpArgs, buildRestoreArgs, validateOptions } from './args.js';
import { type MongoConnection, resolveConnection } from './connection.js';
import { MongoEmptyDumpError } from './mongo-empty-dump-error.js';
import { createPreludeTap } from './prelude-tap.js';
import type { MongoConnectorOptions } from './types.js';

const debug = createDebug('bk:connector:mongo');

const INSTALL_HINT =
  'install the MongoDB Database Tools 100.x (mongodump, mongorestore) or set mongodumpPath/mongorestorePath';

/**
 * MongoDB connector: `mongodump --archive` streamed out, `mongorestore --archive` streamed in.
 * The connection string (with its password) goes in a 0600 YAML file passed with `--config`,
 * created for each run and removed when the tool exits: never in argv.
 */
export class MongoConnector implements Connector {
  /** Contract version. */
  readonly specificationVersion = 'v1' as const;
  /** Connector id recorded in manifests. */
  readonly id = 'mongo';
  /** `archive`, or `archive.gz` with the `gzip` option. */
  readonly extension: string;
  /**
   * mongorestore is not transactional (so core verifies a backup before restoring it);
   * `excludeTables` and `selectiveRestore` work on collections.
   */
  readonly capabilities: ConnectorCapabilities = {
    atomicRestore: false,
    excludeTables: true,
    selectiveRestore: true,
    rowCounts: false,
    sizeEstimate: false,
  };
  /** Where it connects, password masked: `mongodb://app:***@db:27017/app`. */
  readonly target: string;
  /** The password, if any, so callers can mask it in any text. */
  readonly secrets: readonly string[];
  /** The database dumped and restored into; `undefined` for the whole server. */
  readonly database: string | undefined;
  readonly #options: MongoConnectorOptions;
  readonly #connection: MongoConnection;

  /** @throws {ConfigError} on a bad URL, database name or option combination. */
  constructor(options: MongoConnectorOptions) {
    this.#options = { ...options };
    this.#connection = resolveConnection(options);
    this.database = this.#connection.database;
    validateOptions(options, this.database);
    this.target = this.#connection.target;
    this.secrets = this.#connection.password === undefined ? [] : [this.#connection.password];
    this.extension = options.gzip ? 'archive.gz' : 'archive';
  }

  /** Arguments of the dump, without the `--config` file (for display and tests). */
  dumpArgs(): string[] {
    return buildDumpArgs(this.#options, this.#connection);
  }

  /** Arguments of a restore, without the `--config` file (for display and tests). */
  restoreArgs(options: { gzip?: boolean } = {}): string[] {
    return buildRestoreArgs(this.#options, { database: this.database, gzip: options.gzip ?? false });
  }

  #configFile(): Promise<SecretFile> {
    return createSecretFile(stringify({ uri: this.#connection.uri }), { name: 'mongo-tools.yaml' });
  }

  #spec(tool: 'mongodump' | 'mongorestore', args: string[], config: SecretFile, signal?: AbortSignal) {
    const what = this.database === undefined ? 'all databases' : `"${this.database}"`;
    const spec: ProcessSpec = {
      name: tool,
      file: (tool === 'mongodump' ? this.#options.mongodumpPath : this.#options.mongorestorePath) ?? tool,
      args: [...args, `--config=${config.path}`],
      env: this.#options.env,
      secrets: this.secrets,
      installHint: INSTALL_HINT,
      context: `${tool === 'mongodump' ? 'dump' : 'restore'} of ${what} on ${this.target}`,
      signal,
    };
    return spec;
  }

  #throwIfAborted(what: string, signal: AbortSignal | undefined): void {
    if (signal?.aborted) throw new AbortedError(what, { cause: signal.reason });
  }

  /** Starts `mongodump --archive`; `done` also rejects when the archive lists no collection. */
  dump(options: DumpOptions = {}): DumpHandle {
    const tap = createPreludeTap({ gzip: this.#options.gzip ?? false });
    const run = async (): Promise<void> => {
      await using config = await this.#configFile();
      this.#throwIfAborted('mongodump', options.signal);
      const handle = spawnReader(this.#spec('mongodump', this.dumpArgs(), config, options.signal));
      handle.stream.pipe(tap.stream);
      await handle.done;
      await tap.settled;
      this.#checkPrelude(tap.prelude());
    };
    const done = run().catch((error: unknown) => {
      // Never a normal end after a failure: a consumer that forgets `done` must not store it.
      if (!tap.stream.writableEnded) failStream(tap.stream, error as Error);
      throw error;
    });
    done.catch(() => {});
    return { stream: tap.stream, done };
  }

  #checkPrelude(prelude: ArchivePrelude | undefined): void {
    if (prelude === undefined) {
      throw new BkError(
        'BK_MONGO_BAD_ARCHIVE',
        `mongodump exited 0 but did not write a complete archive prelude (${this.target})`,
        {
          hint: 'check dumpArgs: bk needs the archive on stdout',
        },
      );
    }
    debug('archive: %d collections, server %s', prelude.collections, prelude.serverVersion);
    if (prelude.collections === 0 && !this.#options.allowEmpty) {
      throw new MongoEmptyDumpError(this.database, this.target);
    }
  }

  /**
   * Streams `input` into `mongorestore --archive` (`--gzip` when the input starts with gzip's magic
   * bytes). Not atomic: collections are written as they arrive, so core verifies the backup first.
   */
  async restore(input: Readable, options: RestoreOptions = {}): Promise<void> {
    let inputFailure: unknown;
    const recordFailure = (error: unknown) => {
      inputFailure ??= error;
    };
    input.on('error', recordFailure);
    // An empty backup (0 bytes, a prelude listing no collection) is refused before mongorestore runs.
    const head = await readHead(input, knowsPrelude);
    const archive = readArchiveHead(head.bytes);
    if (head.bytes.length === 0) throw new EmptyBackupError(this.target, '0 bytes');
    if (archive.prelude?.collections === 0 && !this.#options.allowEmpty) {
      throw new EmptyBackupError(this.target, 'a mongodump archive whose prelude lists no collection');
    }
    await using config = await this.#configFile();
    this.#throwIfAborted('mongorestore', options.signal);
    if (inputFailure !== undefined) throw inputFailure;
    const gzip = archive.gzip;
    const source = head.ended ? Readable.from([head.bytes]) : input;
    const args = buildRestoreArgs(this.#options, { database: this.database, gzip });
    await spawnWriter(this.#spec('mongorestore', args, config, options.signal), source);
  }

  async #probe(signal?: AbortSignal): Promise<ArchivePrelude | undefined> {
    await using config = await this.#configFile();
    // Every collection is excluded (empty prefix): the tool connects, authenticates, lists the
    // collections and writes only the archive header, which names the server version.
    const args = ['--archive', `--db=${this.database ?? 'admin'}`, '--excludeCollectionsWithPrefix='];
    if (this.#connection.readPreference) args.push(`--readPreference=${this.#connection.readPreference}`);
    const handle = spawnReader(this.#spec('mongodump', args, config, signal));
    const chunks: Buffer[] = [];
    const read = (async () => {
      for await (const chunk of handle.stream) chunks.push(chunk as Buffer);
    })();
    const [reading, exiting] = await Promise.allSettled([read, handle.done]);
    if (exiting.status === 'rejected') throw exiting.reason;
    if (reading.status === 'rejected') throw reading.reason;
    return readPrelude(Buffer.concat(chunks));
  }

  /** Engine, `mongodump --version`, and the server version from a probe archive's header. */
  async describe(options: { signal?: AbortSignal } = {}): Promise<ConnectorDescription> {
    const [toolVersion, prelude] = await Promise.all([
      this.#toolVersion(options.signal),
      this.#probe(options.signal).catch((error: unknown) => {
        if (options.signal?.aborted) throw error;
        debug('server version unavailable: %s', (error as Error).message);
        return undefined;
      }),
    ]);
    return {
      engine: 'mongodb',
      serverVersion: prelude?.serverVersion || undefined,
      toolVersion,
      database: this.database,
    };
  }

  async #toolVersion(signal?: AbortSignal): Promise<string> {
    const { stdout } = await runCommand({
      name: 'mongodump',
      file: this.#options.mongodumpPath ?? 'mongodump',
      args: ['--version'],
      env: this.#options.env,
      installHint: INSTALL_HINT,
      signal,
    });
    const match = /mongodump version:\s*(\S+)/.exec(stdout);
    return match ? `mongodump ${match[1]}` : (stdout.split('\n')[0]?.trim() ?? 'mongodump');
  }

  /**
   * Connects, authenticates and lists the database's collections by running `mongodump` with every
   * collection excluded (no mongosh needed). Rejects with the tool's `ProcessError` otherwise.
   */
  async check(options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.#probe(options.signal);
  }

  /** Nothing is held between operations; present for `await using`. */
  async close(): Promise<void> {}

  /** Same as {@link MongoConnector.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
