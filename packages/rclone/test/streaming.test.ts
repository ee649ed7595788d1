import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Rclone, RcloneAbortedError, type RcloneProgress } from '../src/index.js';
import { digest, processesMentioning, randomStream, tempDir, waitFor } from './helpers.js';

const MiB = 1024 * 1024;

describe('streaming rcat and cat', () => {
  it('round-trips 64 MiB with identical sha256 and reports progress both ways', async () => {
    await using dir = await tempDir();
    const rclone = new Rclone();
    const target = join(dir.path, 'big.bin');
    const source = randomStream(64 * MiB + 12_345);
    const up: RcloneProgress[] = [];
    await rclone.rcat(target, source.stream, {
      onProgress: (progress) => up.push(progress),
      statsInterval: '100ms',
      sizeHint: 64 * MiB + 12_345,
    });
    const expected = source.sha256();
    expect((await stat(target)).size).toBe(64 * MiB + 12_345);
    expect(up.length).toBeGreaterThan(0);
    expect(up.at(-1)).toMatchObject({
      bytes: 64 * MiB + 12_345,
      totalBytes: 64 * MiB + 12_345,
      transfers: 1,
    });

    const down: RcloneProgress[] = [];
    const handle = rclone.cat(target, {
      onProgress: (progress) => down.push(progress),
      statsInterval: '100ms',
    });
    const [result] = await Promise.all([digest(handle.stream), handle.done]);
    expect(result).toEqual({ sha256: expected, bytes: 64 * MiB + 12_345 });
    expect(down.at(-1)?.bytes).toBe(64 * MiB + 12_345);
  });

  it('rcat progress of a small stream is not doubled (rclone 1.60 counts it twice)', async () => {
    await using dir = await tempDir();
    const reports: RcloneProgress[] = [];
    await new Rclone().rcat(join(dir.path, 'small.txt'), Readable.from([Buffer.from('abc')]), {
      onProgress: (progress) => reports.push(progress),
    });
    expect(reports.at(-1)).toMatchObject({ bytes: 3, totalBytes: undefined, transfers: 1 });
  });

  it('a failing input stream kills rclone before EOF and rejects with the input error', async () => {
    await using dir = await tempDir();
    const password = await new Rclone().obscure('stream-test-password');
    // Through crypt, a partial final block is only written at end of input: an upload that saw no
    // EOF can never decrypt to the full data, so this proves rclone was killed before its stdin closed.
    const rclone = new Rclone({
      env: {
        RCLONE_CONFIG_KILLCRYPT_TYPE: 'crypt',
        RCLONE_CONFIG_KILLCRYPT_REMOTE: join(dir.path, 'enc'),
        RCLONE_CONFIG_KILLCRYPT_PASSWORD: password,
      },
    });
    const failure = new Error('producer died');
    const total = 5 * MiB + 1000;
    const source = randomStream(total + MiB, { failAfter: total, failure, delayMs: 10 });
    let delivered = 0;
    source.stream.on('data', (chunk: Buffer) => {
      delivered += chunk.length;
    });
    await expect(rclone.rcat('killcrypt:dump.bin', source.stream)).rejects.toBe(failure);
    expect(delivered).toBe(total);
    expect(await processesMentioning(dir.path)).toEqual([]);
    // Had rclone seen EOF, it would have stored all `delivered` bytes (with their final partial
    // block). Killed first, what is left (if anything) is shorter or unreadable.
    const handle = rclone.cat('killcrypt:dump.bin');
    const readBack = await Promise.all([digest(handle.stream), handle.done]).then(
      ([result]) => result.bytes,
      () => -1,
    );
    expect(readBack).toBeLessThan(delivered);
  });

  it('an input stream that is destroyed without an error also fails the upload', async () => {
    await using dir = await tempDir();
    const input = new Readable({ read() {} });
    input.push(Buffer.alloc(1000));
    const upload = new Rclone().rcat(join(dir.path, 'x.bin'), input);
    setTimeout(() => input.destroy(), 200);
    await expect(upload).rejects.toThrow(/input stream closed before its end/);
  });

  it('an input that already ended uploads what it held; one already destroyed fails', async () => {
    await using dir = await tempDir();
    const rclone = new Rclone();
    const ended = Readable.from([]);
    ended.resume();
    await new Promise((resolve) => ended.once('end', resolve));
    await rclone.rcat(join(dir.path, 'empty.bin'), ended);
    expect((await stat(join(dir.path, 'empty.bin'))).size).toBe(0);
    const broken = new Readable({ read() {} });
    broken.on('error', () => {});
    broken.destroy(new Error('already broken'));
    await expect(rclone.rcat(join(dir.path, 'broken.bin'), broken)).rejects.toThrow('already broken');
  });

  it('aborting rcat kills rclone and rejects with RcloneAbortedError', async () => {
    await using dir = await tempDir();
    const controller = new AbortController();
    const source = randomStream(1024 * MiB, { delayMs: 20 });
    const upload = new Rclone().rcat(join(dir.path, 'aborted.bin'), source.stream, {
      signal: controller.signal,
    });
    await waitFor(() => source.produced() > 3 * MiB);
    expect((await processesMentioning(dir.path)).length).toBe(1);
    controller.abort();
    const error = await upload.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RcloneAbortedError);
    expect(error).toMatchObject({ code: 'BK_ABORTED', category: 'interrupted' });
    expect((error as Error).message).toBe(`rclone rcat (to ${dir.path}/aborted.bin) was interrupted`);
    expect(await processesMentioning(dir.path)).toEqual([]);
    source.stream.destroy();
  });

  it('aborting cat kills rclone; the stream errors instead of ending cleanly', async () => {
    await using dir = await tempDir();
    const rclone = new Rclone();
    await rclone.rcat(join(dir.path, 'src.bin'), randomStream(32 * MiB).stream, { ignoreChecksum: true });
    const controller = new AbortController();
    const handle = rclone.cat(join(dir.path, 'src.bin'), { signal: controller.signal });
    let received = 0;
    const consumed = (async () => {
      for await (const chunk of handle.stream) {
        received += (chunk as Buffer).length;
        if (received > MiB) controller.abort();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await expect(handle.done).rejects.toBeInstanceOf(RcloneAbortedError);
    await expect(consumed).rejects.toBeInstanceOf(RcloneAbortedError);
    expect(received).toBeLessThan(32 * MiB);
    expect(await processesMentioning(dir.path)).toEqual([]);
  });

  it('destroying the cat stream early stops rclone', async () => {
    await using dir = await tempDir();
    const rclone = new Rclone();
    await rclone.rcat(join(dir.path, 'src.bin'), randomStream(32 * MiB).stream, { ignoreChecksum: true });
    const handle = rclone.cat(join(dir.path, 'src.bin'));
    for await (const _chunk of handle.stream) break;
    await expect(handle.done).rejects.toMatchObject({ signal: 'SIGTERM' });
    expect(await processesMentioning(dir.path)).toEqual([]);
  });

  it('destroying a cat stream after rclone exited 0 with bytes still in the pipe settles done', async () => {
    await using dir = await tempDir();
    const rclone = new Rclone();
    for (const size of [100 * 1024, 160 * 1024, 190 * 1024]) {
      // Past what the stream buffers take, within what the pipe adds: rclone writes all and exits
      // while stdout, paused by backpressure, still has bytes to read.
      const file = join(dir.path, `small-${size}.bin`);
      await rclone.rcat(file, randomStream(size).stream, { ignoreChecksum: true });
      const handle = rclone.cat(file);
      handle.stream.pause();
      await waitFor(async () => (await processesMentioning(file)).length === 0);
      handle.stream.destroy();
      const settled = await Promise.race([
        handle.done.then(
          () => 'settled',
          () => 'settled',
        ),
        new Promise((resolve) => setTimeout(() => resolve('hung'), 5000)),
      ]);
      expect(settled, `${size} bytes`).toBe('settled');
    }
  });

  it('a signal aborted before the call never starts a transfer', async () => {
    await using dir = await tempDir();
    const signal = AbortSignal.abort();
    const handle = new Rclone().cat(join(dir.path, 'whatever'), { signal });
    await expect(handle.done).rejects.toBeInstanceOf(RcloneAbortedError);
    await expect(new Rclone().lsjson(dir.path, { signal })).rejects.toBeInstanceOf(RcloneAbortedError);
  });
});
