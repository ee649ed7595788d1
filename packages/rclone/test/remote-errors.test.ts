import { createServer } from 'node:net';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rclone, RcloneError } from '../src/index.js';
import { tempDir } from './helpers.js';

/** A port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function failure(promise: Promise<unknown>): Promise<RcloneError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RcloneError);
  return error as RcloneError;
}

const FAST = ['--contimeout', '2s', '--timeout', '5s', '--low-level-retries', '1', '--retries', '1'];

describe('remote errors say what they are', () => {
  let server: ResultPromise | undefined;
  let davPort = 0;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir('bk-rclone-dav-');
    davPort = await closedPort();
    server = execa(
      'rclone',
      ['serve', 'webdav', dir.path, '--addr', `127.0.0.1:${davPort}`, '--user', 'u', '--pass', 'right'],
      {
        reject: false,
      },
    );
    const rclone = new Rclone({ flags: FAST });
    const deadline = Date.now() + 10_000;
    const good = await rclone.obscure('right');
    for (;;) {
      try {
        await rclone.lsjson(`:webdav,url="http://127.0.0.1:${davPort}",user=u,pass=${good}:`);
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });
  afterAll(async () => {
    server?.kill();
    await server;
    await dir?.[Symbol.asyncDispose]();
  });

  it('an unreachable WebDAV server: operation error saying the remote is unreachable', async () => {
    const port = await closedPort();
    const error = await failure(
      new Rclone({ flags: FAST }).lsjson(`:webdav,url="http://127.0.0.1:${port}":x`),
    );
    expect(error.category).toBe('operation');
    expect(error.code).toBe('BK_RCLONE_FAILED');
    expect(error.message).toMatch(/^rclone lsjson exited \d+ \(remote unreachable\): .*connection refused/);
    expect(error.hint).toMatch(/did not answer: check its host and port/);
  });

  it('an unreachable SFTP server: unreachable, not an unknown remote', async () => {
    const port = await closedPort();
    const rclone = new Rclone({ flags: FAST });
    const pass = await rclone.obscure('x');
    const error = await failure(rclone.lsjson(`:sftp,host=127.0.0.1,port=${port},user=x,pass=${pass}:x`));
    expect(error.category).toBe('operation');
    expect(error.message).toMatch(/\(remote unreachable\): .*connection refused/);
    expect(error.message).not.toContain(pass);
  });

  it('a wrong WebDAV password (401): config error with a hint about credentials', async () => {
    const rclone = new Rclone({ flags: FAST });
    const wrong = await rclone.obscure('wrong');
    const remote = `:webdav,url="http://127.0.0.1:${davPort}",user=u,pass=${wrong}:`;
    const listed = await failure(rclone.lsjson(`${remote}db`));
    expect(listed.category).toBe('config');
    expect(listed.message).toMatch(/\(the remote refused the credentials\): .*401 Unauthorized/);
    expect(listed.hint).toMatch(/refused the user or password.*expired/);
    const { Readable } = await import('node:stream');
    const written = await failure(rclone.rcat(`${remote}db/x`, Readable.from([Buffer.from('x')])));
    expect(written.category).toBe('config');
    expect(written.message).toMatch(/refused the credentials/);
  });

  it('a plain failure is neither', async () => {
    const error = await failure(new Rclone().run(['lsjson', '--max-depth', 'x', '/tmp']));
    expect(error.message).not.toMatch(/unreachable|credentials/);
    expect(error.category).toBe('operation');
  });
});
