import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  describeExitCode,
  Rclone,
  RcloneBinaryNotFoundError,
  RcloneError,
  RcloneNotFoundError,
  RcloneRemoteNotFoundError,
} from '../src/index.js';
import { randomStream, tempDir } from './helpers.js';

async function failure(promise: Promise<unknown>): Promise<RcloneError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RcloneError);
  return error as RcloneError;
}

/** A stand-in binary: records its argv and stdin, prints its environment. */
async function fakeRclone(dir: string): Promise<string> {
  const path = join(dir, 'fake-rclone');
  await writeFile(path, `#!/bin/sh\necho "$@" > "${dir}/argv"\ncat > "${dir}/stdin"\nenv\n`);
  await chmod(path, 0o755);
  return path;
}

describe('errors', () => {
  it('an unknown remote is a config error with a hint', async () => {
    const error = await failure(new Rclone().lsjson('bk-no-such-remote:db'));
    expect(error).toBeInstanceOf(RcloneRemoteNotFoundError);
    expect(error).toMatchObject({ code: 'BK_RCLONE_REMOTE_NOT_FOUND', category: 'config', exitCode: 1 });
    expect(error.message).toBe(
      'rclone lsjson exited 1: Failed to create file system for "bk-no-such-remote:db": didn\'t find section in config file (bk-no-such-remote:db)',
    );
    expect(error.hint).toContain('rclone config');
    expect((error as unknown as Record<symbol, unknown>)[Symbol.for('bk.error')]).toBe(true);

    const backend = await failure(new Rclone().lsjson(':nosuchbackend:x'));
    expect(backend).toBeInstanceOf(RcloneRemoteNotFoundError);
  });

  it('-v and -vv chatter stays out of the message: only the line that explains the failure', async () => {
    for (const flags of [['-v'], ['-vv'], ['-vv', '--use-json-log']]) {
      const error = await failure(new Rclone({ flags }).lsjson('bk-no-such-remote:db'));
      expect(error.message).toMatch(/^rclone lsjson exited 1: (.*: )?Failed to create file system for/);
      expect(error.message).not.toMatch(/starting with parameters|Creating backend/);
    }
  });

  it('a missing binary is a config error telling how to install rclone', async () => {
    const error = await failure(new Rclone({ binary: '/nonexistent/rclone' }).version());
    expect(error).toBeInstanceOf(RcloneBinaryNotFoundError);
    expect(error).toMatchObject({
      code: 'BK_RCLONE_BINARY_NOT_FOUND',
      category: 'config',
      binary: '/nonexistent/rclone',
    });
    expect(error.message).toBe('rclone binary not found: /nonexistent/rclone');
    expect(error.hint).toContain('apt-get install rclone');
  });

  it('exit codes get clear messages: 3 directory not found, 8 transfer limit', async () => {
    await using dir = await tempDir();
    const rclone = new Rclone();
    const missing = await failure(rclone.cat(join(dir.path, 'nope/x.bin')).done);
    expect(missing).toBeInstanceOf(RcloneNotFoundError);
    expect(missing.message).toMatch(
      /^rclone cat exited 3 \(directory not found\): .*directory not found \(from /,
    );

    await rclone.rcat(join(dir.path, 'big.bin'), randomStream(1024 * 1024).stream);
    const limited = await failure(
      rclone.copyto(join(dir.path, 'big.bin'), join(dir.path, 'copy.bin'), {
        flags: ['--max-transfer', '1K'],
      }),
    );
    expect(limited.exitCode).toBe(8);
    expect(limited.message).toMatch(
      /^rclone copyto exited 8 \(transfer limit reached\): .*max transfer limit reached/,
    );
    expect(limited.hint).toContain('--max-transfer');
    expect(describeExitCode(7).meaning).toBe('fatal error');
  });

  it('a password in a connection string never reaches messages, commands, tails or causes', async () => {
    const rclone = new Rclone({
      flags: ['--contimeout', '1s', '--low-level-retries', '1', '--retries', '1'],
    });
    const obscured = await rclone.obscure('sftp-password');
    const fresh = new Rclone({ flags: ['--contimeout', '1s', '--low-level-retries', '1', '--retries', '1'] });
    const commands: string[] = [];
    const watched = new Rclone({ ...fresh.options, onCommand: (command) => commands.push(command) });
    const error = await failure(
      watched.lsjson(`:sftp,host=127.0.0.1,port=1,user=bk,pass=${obscured}:backups`),
    );
    const everything = [
      error.message,
      error.command,
      error.stderrTail,
      String(error.cause),
      commands.join('\n'),
    ];
    for (const text of everything) expect(text).not.toContain(obscured);
    expect(error.message).toContain('pass=***');
    expect(error.command).toContain(':sftp,host=127.0.0.1,port=1,user=bk,pass=***:backups');
  });

  it('registered secrets and secret env values are masked', async () => {
    await using dir = await tempDir();
    const rclone = new Rclone({
      secrets: ['hunter2-token'],
      env: { RCLONE_CONFIG_S3X_SECRET_ACCESS_KEY: 'AKIA-very-secret', RCLONE_CONFIG_S3X_TYPE: 's3' },
    });
    const error = await failure(rclone.purge(join(dir.path, 'hunter2-token')));
    expect(error.message).not.toContain('hunter2-token');
    expect(error.message).toContain(`${dir.path}/***`);
    expect(rclone.redact('key AKIA-very-secret used')).toBe('key *** used');
  });

  it('a password that is not obscured is a config error', async () => {
    const error = await failure(new Rclone().lsjson(':sftp,host=127.0.0.1,user=bk,pass=not obscured!:x'));
    expect(error).toMatchObject({ category: 'config', exitCode: 1 });
    expect(error.message).not.toContain('obscured!');
    expect(error.message).toContain('pass=***:x');
    expect(error.hint).toContain('obscure');
  });

  it('obscure sends the password on stdin, never argv, and rejects line breaks', async () => {
    await using dir = await tempDir();
    const rclone = new Rclone({ binary: await fakeRclone(dir.path) });
    await rclone.obscure('argv-must-not-see-this');
    expect(await readFile(join(dir.path, 'argv'), 'utf8')).toBe('obscure --ask-password=false -- -\n');
    expect(await readFile(join(dir.path, 'stdin'), 'utf8')).toBe('argv-must-not-see-this');
    const error = await failure(new Rclone().obscure('two\nlines'));
    expect(error.category).toBe('config');
  });

  it('env: values override process.env and undefined removes a variable', async () => {
    await using dir = await tempDir();
    const previous = process.env.AWS_CA_BUNDLE;
    process.env.AWS_CA_BUNDLE = '/etc/ssl/bundle.pem';
    try {
      const rclone = new Rclone({
        binary: await fakeRclone(dir.path),
        env: { AWS_CA_BUNDLE: undefined, RCLONE_CONFIG_MYLOCAL_TYPE: 'local' },
      });
      const { stdout } = await rclone.run(['lsd', 'mylocal:']);
      expect(stdout).toContain('RCLONE_CONFIG_MYLOCAL_TYPE=local\n');
      expect(stdout).not.toContain('AWS_CA_BUNDLE');
      expect(stdout).toContain(`PATH=${process.env.PATH}`);
      const plain = await new Rclone({ binary: await fakeRclone(dir.path) }).run([]);
      expect(plain.stdout).toContain('AWS_CA_BUNDLE=/etc/ssl/bundle.pem');
    } finally {
      if (previous === undefined) delete process.env.AWS_CA_BUNDLE;
      else process.env.AWS_CA_BUNDLE = previous;
    }
  });
});
