import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { Rclone } from '@bk/rclone';
import { execa, type ResultPromise } from 'execa';
import { FtpSrv } from 'ftp-srv';
import S3rver from 's3rver';

/** One rclone remote of the storage matrix, defined entirely through `RCLONE_CONFIG_*` env. */
export interface MatrixRemote {
  /** A label for test names. */
  label: string;
  /** The `remote` setting bk is given (`bksftp:app`, or a directory). */
  remote: string;
  /** The env that defines it (passwords obscured); `AWS_CA_BUNDLE` is always dropped. */
  env: Record<string, string | undefined>;
  /** The directory on this machine where the server (or the wrapped local remote) keeps the bytes. */
  root: string;
}

/** Everything the matrix started, and how to stop it. */
export interface LoopbackServers {
  remotes: MatrixRemote[];
  /** The sftp server's user, obscured password and port, for the CLI test. */
  sftp: { host: string; port: number; user: string; pass: string; obscured: string; root: string };
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function waitForPort(port: number, child: ResultPromise, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  let exited: string | undefined;
  child.then(
    (result) => {
      exited = `exit ${result.exitCode ?? result.signal}: ${String(result.stderr ?? '').slice(-500)}`;
    },
    (error: unknown) => {
      exited = String(error);
    },
  );
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${what} stopped before listening (${exited})`);
    const open = await new Promise<boolean>((done) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (open) return;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`${what} did not listen on 127.0.0.1:${port} within 15 s`);
}

/** A quiet stand-in for ftp-srv's bunyan logger. */
function quietLogger(): unknown {
  const logger: Record<string, unknown> = {};
  for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal']) logger[level] = () => {};
  logger.child = () => logger;
  return logger;
}

type FtpReply = (code: unknown, ...rest: unknown[]) => unknown;
type FtpHandler = (this: { reply: FtpReply }, ...args: unknown[]) => unknown;
let ftpPatched = false;

/**
 * ftp-srv answers LIST of a missing path with `451 ENOENT` (RFC 959: "local error in processing");
 * FTP servers answer `550` (vsftpd, pure-ftpd) or `450` (proftpd), which rclone maps to "not
 * found". rclone treats 451 as a hard error, even when it only checks whether a directory exists
 * before creating it, so no upload to a new directory works. Make LIST/NLST say 550 like a real
 * server (the registry's handlers are looked up per command, so this applies to every server).
 */
function patchFtpSrvMissingDirectory(): void {
  if (ftpPatched) return;
  ftpPatched = true;
  const registry = createRequire(import.meta.url)('ftp-srv/src/commands/registry.js') as Record<
    string,
    { handler: FtpHandler }
  >;
  for (const directive of ['LIST', 'NLST']) {
    const command = registry[directive];
    if (!command) throw new Error(`ftp-srv has no ${directive} command: update the patch`);
    const original = command.handler;
    command.handler = function (this: { reply: FtpReply }, ...args: unknown[]) {
      const reply = this.reply;
      this.reply = (code, ...rest) =>
        reply.call(this, code === 451 && /ENOENT/.test(String(rest[0])) ? 550 : code, ...rest);
      return Promise.resolve(original.apply(this, args)).finally(() => {
        this.reply = reply;
      });
    };
  }
}

/**
 * Starts the loopback servers (`rclone serve sftp` and `rclone serve webdav` as child processes,
 * s3rver and ftp-srv in-process) with their data under `base`, and returns the remotes: local,
 * crypt over local, compress over local, sftp, WebDAV, S3 and FTP.
 */
export async function startLoopbackServers(base: string): Promise<LoopbackServers> {
  const rclone = new Rclone();
  const user = 'bk';
  const pass = `pw-${Math.random().toString(36).slice(2)}`;
  const obscured = await rclone.obscure(pass);
  const children: ResultPromise[] = [];
  const dir = async (name: string) => {
    const path = join(base, name);
    await mkdir(path, { recursive: true });
    return path;
  };
  const stoppers: (() => Promise<unknown>)[] = [];

  const serve = async (kind: 'sftp' | 'webdav', root: string) => {
    const port = await freePort();
    const child = execa(
      'rclone',
      ['serve', kind, root, '--addr', `127.0.0.1:${port}`, '--user', user, '--pass', pass],
      { reject: false, stdin: 'ignore', stdout: 'ignore', stderr: 'pipe', buffer: { stderr: true } },
    );
    children.push(child);
    await waitForPort(port, child, `rclone serve ${kind}`);
    return port;
  };

  const localRoot = await dir('local');
  const cryptRoot = await dir('crypt');
  const compressRoot = await dir('compress');
  const sftpRoot = await dir('sftp');
  const webdavRoot = await dir('webdav');
  const s3Root = await dir('s3');
  const ftpRoot = await dir('ftp');

  try {
    const [sftpPort, webdavPort] = await Promise.all([serve('sftp', sftpRoot), serve('webdav', webdavRoot)]);

    const s3Port = await freePort();
    const s3 = new S3rver({
      address: '127.0.0.1',
      port: s3Port,
      silent: true,
      directory: s3Root,
      configureBuckets: [{ name: 'bk-matrix', configs: [] }],
    });
    await s3.run();
    stoppers.push(() => s3.close());

    patchFtpSrvMissingDirectory();
    const ftpPort = await freePort();
    // Passive data connections use a small range above a random base (other test files run at once).
    const pasvMin = 42_000 + Math.floor(Math.random() * 400) * 50;
    const ftp = new FtpSrv({
      url: `ftp://127.0.0.1:${ftpPort}`,
      pasv_url: '127.0.0.1',
      pasv_min: pasvMin,
      pasv_max: pasvMin + 49,
      anonymous: false,
      greeting: 'bk storage matrix',
      log: quietLogger() as never,
    });
    ftp.on('login', ({ username, password }, resolve, reject) => {
      if (username === user && password === pass) resolve({ root: ftpRoot });
      else reject(new Error('bad login'));
    });
    await ftp.listen();
    stoppers.push(() => ftp.close());

    const cryptPassword = await rclone.obscure(`crypt-${pass}`);
    const cryptSalt = await rclone.obscure(`salt-${pass}`);
    const drop = { AWS_CA_BUNDLE: undefined };
    const remotes: MatrixRemote[] = [
      { label: 'local', remote: localRoot, env: { ...drop }, root: localRoot },
      {
        label: 'crypt over local',
        remote: 'bkcrypt:app',
        env: {
          ...drop,
          RCLONE_CONFIG_BKCRYPT_TYPE: 'crypt',
          RCLONE_CONFIG_BKCRYPT_REMOTE: cryptRoot,
          RCLONE_CONFIG_BKCRYPT_PASSWORD: cryptPassword,
          RCLONE_CONFIG_BKCRYPT_PASSWORD2: cryptSalt,
        },
        root: cryptRoot,
      },
      {
        label: 'compress over local',
        remote: 'bkcompress:app',
        env: {
          ...drop,
          RCLONE_CONFIG_BKCOMPRESS_TYPE: 'compress',
          RCLONE_CONFIG_BKCOMPRESS_REMOTE: compressRoot,
        },
        root: compressRoot,
      },
      {
        label: 'sftp',
        remote: 'bksftp:app',
        env: {
          ...drop,
          RCLONE_CONFIG_BKSFTP_TYPE: 'sftp',
          RCLONE_CONFIG_BKSFTP_HOST: '127.0.0.1',
          RCLONE_CONFIG_BKSFTP_PORT: String(sftpPort),
          RCLONE_CONFIG_BKSFTP_USER: user,
          RCLONE_CONFIG_BKSFTP_PASS: obscured,
        },
        root: sftpRoot,
      },
      {
        label: 'webdav',
        remote: 'bkwebdav:app',
        env: {
          ...drop,
          RCLONE_CONFIG_BKWEBDAV_TYPE: 'webdav',
          RCLONE_CONFIG_BKWEBDAV_URL: `http://127.0.0.1:${webdavPort}/`,
          RCLONE_CONFIG_BKWEBDAV_VENDOR: 'other',
          RCLONE_CONFIG_BKWEBDAV_USER: user,
          RCLONE_CONFIG_BKWEBDAV_PASS: obscured,
        },
        root: webdavRoot,
      },
      {
        label: 's3',
        remote: 'bks3:bk-matrix/app',
        env: {
          ...drop,
          RCLONE_CONFIG_BKS3_TYPE: 's3',
          RCLONE_CONFIG_BKS3_PROVIDER: 'Other',
          RCLONE_CONFIG_BKS3_ACCESS_KEY_ID: 'S3RVER',
          RCLONE_CONFIG_BKS3_SECRET_ACCESS_KEY: 'S3RVER',
          RCLONE_CONFIG_BKS3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
          RCLONE_CONFIG_BKS3_FORCE_PATH_STYLE: 'true',
          RCLONE_CONFIG_BKS3_REGION: 'us-east-1',
        },
        root: s3Root,
      },
      {
        label: 'ftp',
        remote: 'bkftp:app',
        env: {
          ...drop,
          RCLONE_CONFIG_BKFTP_TYPE: 'ftp',
          RCLONE_CONFIG_BKFTP_HOST: '127.0.0.1',
          RCLONE_CONFIG_BKFTP_PORT: String(ftpPort),
          RCLONE_CONFIG_BKFTP_USER: user,
          RCLONE_CONFIG_BKFTP_PASS: obscured,
        },
        root: ftpRoot,
      },
    ];
    return {
      remotes,
      sftp: { host: '127.0.0.1', port: sftpPort, user, pass, obscured, root: sftpRoot },
      stop: () => stopAll(children, stoppers),
    };
  } catch (error) {
    await stopAll(children, stoppers);
    throw error;
  }
}

async function stopAll(children: ResultPromise[], stoppers: (() => Promise<unknown>)[]): Promise<void> {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all([
    ...children.map((child) => child.catch(() => undefined)),
    ...stoppers.map((stop) => stop().catch(() => undefined)),
  ]);
}
