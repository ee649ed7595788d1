import { createWriteStream, existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  BinaryNotFoundError,
  createSecretFile,
  ProcessError,
  runCommand,
  spawnReader,
  spawnWriter,
} from '../src/index.js';

describe('spawnReader', () => {
  it('streams stdout and resolves on exit 0', async () => {
    const handle = spawnReader({ file: 'seq', args: ['1', '100000'] });
    const output = await text(handle.stream);
    await handle.done;
    expect(output.split('\n').at(-2)).toBe('100000');
  });

  it('rejects with exit code and redacted stderr tail, even after a clean stream end', async () => {
    const handle = spawnReader({
      name: 'fake_dump',
      file: 'sh',
      args: ['-c', 'echo partial; echo "FATAL: password hunter2 rejected" >&2; exit 3'],
      secrets: ['hunter2'],
      context: 'dump of "default"',
    });
    const streamError = await text(handle.stream).catch((caught: unknown) => caught);
    const error = await handle.done.catch((caught: unknown) => caught);
    // The stream fails with the same error instead of ending: no reader takes it for a whole dump.
    expect(streamError).toBe(error);
    expect(error).toBeInstanceOf(ProcessError);
    expect((error as ProcessError).exitCode).toBe(3);
    expect((error as ProcessError).message).toBe(
      'fake_dump exited 3: FATAL: password *** rejected (dump of "default")',
    );
  });

  it('a consumer that forgets done never stores a failed dump as complete', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bk-forgot-done-'));
    const handle = spawnReader({ name: 'fake_dump', file: 'sh', args: ['-c', 'seq 1 50000; exit 1'] });
    const stored = join(dir, 'dump.sql');
    const error = await pipeline(handle.stream, createWriteStream(stored)).catch((caught: unknown) => caught);
    expect(ProcessError.isInstance(error)).toBe(true);
    expect((error as ProcessError).message).toMatch(/^fake_dump exited 1/);
    await handle.done.catch(() => {});
  });

  it('a failed dump never crashes a consumer that only awaits done (no error listener)', async () => {
    const handle = spawnReader({ name: 'fake_dump', file: 'sh', args: ['-c', 'echo partial; exit 4'] });
    let ended = false;
    handle.stream.on('end', () => {
      ended = true;
    });
    handle.stream.resume();
    const error = await handle.done.catch((caught: unknown) => caught);
    expect((error as ProcessError).exitCode).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ended).toBe(false);
    expect(handle.stream.destroyed).toBe(true);
  });

  it('reports a killed process by its signal', async () => {
    const handle = spawnReader({ file: 'sh', args: ['-c', 'kill -9 $$'] });
    handle.stream.resume();
    const error = (await handle.done.catch((caught: unknown) => caught)) as ProcessError;
    expect(error.signal).toBe('SIGKILL');
    expect(error.message).toMatch(/^sh was killed by SIGKILL/);
  });

  it('maps a missing binary and an abort', async () => {
    const missing = spawnReader({ file: 'no-such-binary-bk', args: [], installHint: 'apt-get install it' });
    await expect(missing.done).rejects.toBeInstanceOf(BinaryNotFoundError);
    const controller = new AbortController();
    const slow = spawnReader({ file: 'sleep', args: ['30'], signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(slow.done).rejects.toBeInstanceOf(AbortedError);
  });
});

describe('spawnWriter', () => {
  it('delivers the whole input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bk-test-'));
    const target = join(dir, 'out');
    await spawnWriter({ file: 'sh', args: ['-c', `cat > '${target}'`] }, Readable.from(['a', 'b', 'c']));
    expect(readFileSync(target, 'utf8')).toBe('abc');
  });

  it('kills the program before it sees end of input when the input fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bk-test-'));
    const marker = join(dir, 'committed');
    const input = new PassThrough();
    const done = spawnWriter({ file: 'sh', args: ['-c', `cat > /dev/null && touch '${marker}'`] }, input);
    input.write('some bytes');
    setTimeout(() => input.destroy(new Error('sha256 mismatch')), 50);
    await expect(done).rejects.toThrow('sha256 mismatch');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(existsSync(marker)).toBe(false);
  });

  it('reports the program when it fails first', async () => {
    const input = new PassThrough();
    const done = spawnWriter(
      { name: 'restorer', file: 'sh', args: ['-c', 'echo bad input >&2; exit 2'] },
      input,
    );
    const writer = setInterval(() => input.write(Buffer.alloc(65536)), 5);
    const error = await done.catch((caught: unknown) => caught);
    clearInterval(writer);
    expect((error as ProcessError).message).toBe('restorer exited 2: bad input');
  });
});

describe('runCommand and secret files', () => {
  it('returns output', async () => {
    expect((await runCommand({ file: 'echo', args: ['hi'] })).stdout).toBe('hi');
  });

  it('creates a 0600 file and removes it on dispose', async () => {
    let path: string;
    {
      await using file = await createSecretFile('password=hunter2');
      path = file.path;
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(readFileSync(path, 'utf8')).toBe('password=hunter2');
    }
    expect(existsSync(path)).toBe(false);
  });
});
