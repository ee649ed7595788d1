import { access, appendFile, chmod, chown, constants, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/** The `postgres` user's ids (the server refuses to run as root). */
async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const { stdout: uid } = await execa('id', ['-u', 'postgres']);
  const { stdout: gid } = await execa('id', ['-g', 'postgres']);
  return { uid: Number(uid), gid: Number(gid) };
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Debian's server binaries (`initdb`, `pg_ctl`), which are not on PATH. */
export async function serverBinDir(): Promise<string> {
  const { stdout } = await execa('pg_config', ['--bindir']);
  const dir = stdout.trim();
  await access(join(dir, 'initdb'), constants.X_OK).catch(() => {
    throw new Error(`${dir}/initdb is missing: apt-get install postgresql (the server, not only the client)`);
  });
  return dir;
}

/** Runs a command as the `postgres` user with HOME in the scratch folder. */
export function asPostgres(home: string, file: string, args: readonly string[]) {
  return execa('runuser', ['-u', 'postgres', '--', 'env', `HOME=${home}`, file, ...args], { reject: false });
}

/** A scratch folder owned by `postgres` (the server, archive_command and the remote live there). */
export class ScratchFolder implements AsyncDisposable {
  readonly dir: string;
  readonly ids: { uid: number; gid: number };
  constructor(dir: string, ids: { uid: number; gid: number }) {
    this.dir = dir;
    this.ids = ids;
  }

  static async create(): Promise<ScratchFolder> {
    if (process.getuid?.() !== 0) throw new Error('scratch clusters need root (runuser -u postgres)');
    const dir = await mkdtemp(join(tmpdir(), 'bk-pitr-'));
    const ids = await postgresIds();
    await chmod(dir, 0o755);
    await chown(dir, ids.uid, ids.gid);
    return new ScratchFolder(dir, ids);
  }

  /** Creates a folder owned by postgres (mode 0700 for data directories). */
  async folder(name: string, mode = 0o700): Promise<string> {
    const path = join(this.dir, name);
    await mkdir(path, { recursive: true, mode });
    await chmod(path, mode);
    await chown(path, this.ids.uid, this.ids.gid);
    return path;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** One scratch PostgreSQL server run by `postgres` on a free port. */
export class ScratchCluster {
  readonly dataDir: string;
  readonly port: number;
  readonly #folder: ScratchFolder;
  readonly #bin: string;

  constructor(folder: ScratchFolder, bin: string, dataDir: string, port: number) {
    this.#folder = folder;
    this.#bin = bin;
    this.dataDir = dataDir;
    this.port = port;
  }

  /** `initdb` into a new folder, with `settings` appended to its postgresql.conf. */
  static async init(
    folder: ScratchFolder,
    name: string,
    settings: Record<string, string>,
    initdbArgs: readonly string[] = [],
  ): Promise<ScratchCluster> {
    const bin = await serverBinDir();
    const dataDir = await folder.folder(name);
    const result = await asPostgres(folder.dir, join(bin, 'initdb'), [
      '-D',
      dataDir,
      '--auth=trust',
      '--no-sync',
      '-U',
      'postgres',
      ...initdbArgs,
    ]);
    if (result.exitCode !== 0) throw new Error(`initdb failed: ${result.stderr}`);
    const cluster = new ScratchCluster(folder, bin, dataDir, await freePort());
    await appendFile(join(dataDir, 'postgresql.conf'), `\n${ScratchCluster.settingsText(settings)}\n`);
    return cluster;
  }

  /** A cluster over an existing data directory (a restored one). */
  static async existing(folder: ScratchFolder, dataDir: string): Promise<ScratchCluster> {
    return new ScratchCluster(folder, await serverBinDir(), dataDir, await freePort());
  }

  static settingsText(settings: Record<string, string>): string {
    return Object.entries(settings)
      .map(([key, value]) => `${key} = '${value.replaceAll("'", "''")}'`)
      .join('\n');
  }

  /** Starts the server; `extra` are `-c name=value` settings. */
  async start(extra: Record<string, string> = {}): Promise<void> {
    const options = [
      `-p ${this.port}`,
      `-c listen_addresses=127.0.0.1`,
      `-c unix_socket_directories=${this.#folder.dir}`,
      ...Object.entries(extra).map(([key, value]) => `-c ${key}=${value}`),
    ].join(' ');
    const log = join(this.#folder.dir, `log-${this.port}.txt`);
    await writeFile(log, '');
    await chown(log, this.#folder.ids.uid, this.#folder.ids.gid);
    const result = await asPostgres(this.#folder.dir, join(this.#bin, 'pg_ctl'), [
      '-D',
      this.dataDir,
      '-o',
      options,
      '-l',
      log,
      '-w',
      '-t',
      '60',
      'start',
    ]);
    if (result.exitCode !== 0) throw new Error(`pg_ctl start failed: ${result.stderr}\n${await this.log()}`);
  }

  /** The server log, for failure messages. */
  async log(): Promise<string> {
    const { readFile } = await import('node:fs/promises');
    return readFile(join(this.#folder.dir, `log-${this.port}.txt`), 'utf8').catch(() => '');
  }

  /** Stops the server (fast mode); never throws. */
  async stop(): Promise<void> {
    await asPostgres(this.#folder.dir, join(this.#bin, 'pg_ctl'), [
      '-D',
      this.dataDir,
      '-m',
      'immediate',
      '-w',
      'stop',
    ]);
  }

  /** The connection URL. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** Runs SQL with psql and returns the unaligned, tuples-only output. */
  async sql(statement: string): Promise<string> {
    const result = await execa(
      'psql',
      ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', this.url, '-c', statement],
      {
        reject: false,
      },
    );
    if (result.exitCode !== 0) throw new Error(`psql failed: ${result.stderr}`);
    return result.stdout.trim();
  }
}
