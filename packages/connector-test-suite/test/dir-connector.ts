import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
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

/**
 * A reference connector for the suite's self-test: the "database" is a directory of JSON files
 * (one per table), dumped with `tar` and restored into a new directory that is then swapped in.
 * `password` is handed to tar through the environment only, as a real connector must.
 */
export class DirConnector implements Connector {
  readonly specificationVersion = 'v1' as const;
  readonly id = 'dir';
  readonly extension = 'tar';
  readonly capabilities: ConnectorCapabilities = {
    atomicRestore: true,
    excludeTables: true,
    selectiveRestore: false,
    rowCounts: true,
    sizeEstimate: true,
  };
  readonly secrets: readonly string[];

  constructor(
    readonly dir: string,
    readonly options: {
      password: string;
      excludeTables?: readonly string[];
      leakPassword?: boolean;
      /** Identity from the text of the path (the defect the suite must catch). */
      textIdentity?: boolean;
    } = {
      password: '',
    },
  ) {
    this.secrets = options.password ? [options.password] : [];
  }

  get target(): string {
    return `dir:${this.dir}`;
  }

  /** The directory's device and inode, so a symlink to it is the same database. */
  async identity(): Promise<string> {
    if (this.options.textIdentity) return this.target;
    const info = await stat(this.dir, { bigint: true });
    return `dir:${info.dev}:${info.ino}`;
  }

  #env() {
    return { DIR_PASSWORD: this.options.password };
  }

  dump(options: DumpOptions = {}): DumpHandle {
    const excludes = (this.options.excludeTables ?? []).map((table) => `--exclude=./${table}.json`);
    const leak = this.options.leakPassword ? [`--label=${this.options.password}`] : [];
    return spawnReader({
      file: 'tar',
      args: [...leak, ...excludes, '-C', this.dir, '-cf', '-', '.'],
      env: this.#env(),
      secrets: this.secrets,
      signal: options.signal,
      context: `dump of ${this.dir}`,
    });
  }

  async restore(input: Readable, options: RestoreOptions = {}): Promise<void> {
    const temp = join(dirname(this.dir), `.${basename(this.dir)}.restore-${process.hrtime.bigint()}`);
    await mkdir(temp);
    try {
      await spawnWriter(
        { file: 'tar', args: ['-C', temp, '-xf', '-'], env: this.#env(), signal: options.signal },
        input,
      );
      const old = `${temp}.old`;
      await rename(this.dir, old);
      await rename(temp, this.dir);
      await rm(old, { recursive: true, force: true });
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }

  async describe(options: { signal?: AbortSignal } = {}): Promise<ConnectorDescription> {
    const { stdout } = await runCommand({ file: 'tar', args: ['--version'], signal: options.signal });
    return {
      engine: 'directory',
      serverVersion: undefined,
      toolVersion: stdout.split('\n')[0] ?? '',
      database: basename(this.dir),
    };
  }

  async check(options: { signal?: AbortSignal } = {}): Promise<void> {
    await runCommand({ file: 'ls', args: ['-d', this.dir], signal: options.signal, env: this.#env() });
  }

  async rowCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const file of (await readdir(this.dir)).sort()) {
      const rows = JSON.parse(await readFile(join(this.dir, file), 'utf8')) as unknown[];
      counts[file.replace(/\.json$/, '')] = rows.length;
    }
    return counts;
  }

  async estimateSize(): Promise<number> {
    let size = 0;
    for (const file of await readdir(this.dir)) size += (await stat(join(this.dir, file))).size;
    return size;
  }
}
