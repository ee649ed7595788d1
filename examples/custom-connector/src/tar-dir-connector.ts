import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  type Connector,
  type ConnectorCapabilities,
  type ConnectorDescription,
  type DumpHandle,
  type DumpOptions,
  type RestoreOptions,
  runCommand,
  spawnReader,
  spawnWriter,
} from '@bk/core';

/** Options of {@link TarDirConnector}. */
export interface TarDirConnectorOptions {
  /** The directory to back up ("the database"). */
  dir: string;
  /**
   * The tar binary.
   * @default 'tar'
   */
  binary?: string;
}

const INSTALL_HINT = 'apt-get install tar';

/**
 * A connector whose "database" is a directory: `tar -C dir -cf - .` dumps it, and a restore
 * extracts into a new sibling directory, then swaps it in with two renames, so an interrupted or
 * corrupt restore never changes the directory (`atomicRestore`). Every process goes through
 * `spawnReader` / `spawnWriter` / `runCommand` from `@bk/core`, which report the exact command for
 * `--verbose`, map a missing binary to `BinaryNotFoundError` and a failure to `ProcessError`.
 */
export class TarDirConnector implements Connector {
  readonly specificationVersion = 'v1' as const;
  readonly id = 'tar-dir';
  readonly extension = 'tar';
  readonly capabilities: ConnectorCapabilities = {
    atomicRestore: true,
    excludeTables: false,
    selectiveRestore: false,
    rowCounts: false,
    sizeEstimate: true,
  };
  /** This connector holds no secrets. */
  readonly secrets: readonly string[] = [];
  /** The directory backed up. */
  readonly dir: string;
  readonly #binary: string;

  constructor(options: TarDirConnectorOptions) {
    this.dir = options.dir;
    this.#binary = options.binary ?? 'tar';
  }

  /** `tar-dir:/path/to/dir`. */
  get target(): string {
    return `tar-dir:${this.dir}`;
  }

  /** Streams `tar -C dir -cf - .`; `done` rejects with the tool's exit code and stderr tail. */
  dump(options: DumpOptions = {}): DumpHandle {
    return spawnReader({
      name: 'tar',
      file: this.#binary,
      args: ['-C', this.dir, '-cf', '-', '.'],
      installHint: INSTALL_HINT,
      context: `dump of ${this.dir}`,
      signal: options.signal,
    });
  }

  /** Extracts into a new directory; only a clean end of `input` swaps it in place of `dir`. */
  async restore(input: Readable, options: RestoreOptions = {}): Promise<void> {
    const staging = join(dirname(this.dir), `.${basename(this.dir)}.restore-${process.pid}-${Date.now()}`);
    await mkdir(staging);
    try {
      await spawnWriter(
        {
          name: 'tar',
          file: this.#binary,
          args: ['-C', staging, '-xf', '-'],
          installHint: INSTALL_HINT,
          context: `restore of ${this.dir}`,
          signal: options.signal,
        },
        input,
      );
      const previous = `${staging}.old`;
      await rename(this.dir, previous).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      await rename(staging, this.dir);
      await rm(previous, { recursive: true, force: true });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /** The tar version; a directory has no server. */
  async describe(options: { signal?: AbortSignal } = {}): Promise<ConnectorDescription> {
    const { stdout } = await runCommand({
      name: 'tar',
      file: this.#binary,
      args: ['--version'],
      installHint: INSTALL_HINT,
      signal: options.signal,
    });
    return {
      engine: 'directory',
      serverVersion: undefined,
      toolVersion: stdout.split('\n')[0] ?? '',
      database: basename(this.dir),
    };
  }

  /** Fails with a `ProcessError` (tar's exit code and stderr) unless tar can read `dir`. */
  async check(options: { signal?: AbortSignal } = {}): Promise<void> {
    await runCommand({
      name: 'tar',
      file: this.#binary,
      args: ['-C', this.dir, '-cf', '/dev/null', '.'],
      installHint: INSTALL_HINT,
      context: `check of ${this.dir}`,
      signal: options.signal,
    });
  }

  /** Total size of the files (used for the progress bar's ETA). */
  async estimateSize(): Promise<number> {
    let size = 0;
    for (const entry of await readdir(this.dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) size += (await stat(join(entry.parentPath, entry.name))).size;
    }
    return size;
  }
}

/** Creates a {@link TarDirConnector} from a path or options. */
export function createTarDirConnector(options: string | TarDirConnectorOptions): TarDirConnector {
  return new TarDirConnector(typeof options === 'string' ? { dir: options } : options);
}

/**
 * The entry point `bk` calls for a custom connector: `"connector": "./path/to/this/module"` in
 * `bk.config.json` makes `bk` call `createConnector(options)` with the database's options object
 * (minus `connector`), here `{ "dir": "/srv/uploads" }`.
 */
export function createConnector(options: TarDirConnectorOptions): TarDirConnector {
  return createTarDirConnector(options);
}
