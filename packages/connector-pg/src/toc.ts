import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ProcessError } from '@bk/core';

/** Reads at least `bytes` more from `input` (or to its end) and leaves the rest unread. */
function take(input: Readable, bytes: number): Promise<{ chunks: Buffer[]; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onError);
      input.off('close', onClose);
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = Buffer.from(chunk);
      chunks.push(buffer);
      size += buffer.length;
      if (size >= bytes) {
        input.pause();
        cleanup();
        resolve({ chunks, ended: false });
      }
    };
    const onEnd = () => {
      cleanup();
      resolve({ chunks, ended: true });
    };
    const onError = (error: unknown) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      if (input.readableEnded) return;
      cleanup();
      reject(new Error('input stream closed before its end'));
    };
    input.on('data', onData);
    input.once('end', onEnd);
    input.once('error', onError);
    input.once('close', onClose);
    input.resume();
  });
}

/**
 * Reads the table of contents at the start of a custom-format archive stream (`pg_restore -l` on
 * the bytes read so far, growing the prefix until the TOC is complete) and returns it together with
 * a stream that replays the whole archive: the prefix, then the rest of `input`. Memory holds the
 * TOC-sized prefix only; the prefix file is private (0700 directory) and removed at once.
 */
export async function readToc(
  input: Readable,
  list: (file: string) => Promise<string>,
): Promise<{ toc: string; replay: Readable }> {
  const prefix: Buffer[] = [];
  let ended = false;
  let want = 256 * 1024;
  const dir = await mkdtemp(join(tmpdir(), 'bk-pg-toc-'));
  try {
    for (;;) {
      const read = await take(input, want);
      prefix.push(...read.chunks);
      ended = read.ended;
      const file = join(dir, 'head.pgdump');
      await writeFile(file, Buffer.concat(prefix), { mode: 0o600 });
      try {
        const toc = await list(file);
        return { toc, replay: replay(prefix, ended ? undefined : input) };
      } catch (error) {
        const short =
          ProcessError.isInstance(error) && /end of file|too short|could not read/.test(error.stderrTail);
        if (ended || !short) throw error;
        want *= 2;
      }
    }
  } catch (error) {
    input.destroy();
    throw error;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function replay(prefix: readonly Buffer[], rest: Readable | undefined): Readable {
  return Readable.from(
    (async function* () {
      yield* prefix;
      if (rest) for await (const chunk of rest) yield chunk as Buffer;
    })(),
    { objectMode: false },
  );
}

/** What {@link filterToc} leaves out. */
export interface TocSkip {
  /** Extensions whose `EXTENSION` and `COMMENT - EXTENSION` entries are left out. */
  extensions: readonly string[];
  /** Tables (`schema.name`) whose `TABLE DATA` entries are left out. */
  tableData: readonly string[];
}

/** Comments out (`;`) the TOC lines matching `skip`, for `pg_restore --use-list`. */
export function filterToc(toc: string, skip: TocSkip): string {
  const extensions = new Set(skip.extensions);
  const tables = new Set(skip.tableData);
  return toc
    .split('\n')
    .map((line) => {
      const extension = /^\d+; \d+ \d+ (?:EXTENSION -|COMMENT - EXTENSION) (\S+) /.exec(line);
      if (extension && extensions.has(extension[1] as string)) return `;${line}`;
      const data = /^\d+; \d+ \d+ TABLE DATA (\S+) (\S+) /.exec(line);
      if (data && tables.has(`${data[1]}.${data[2]}`)) return `;${line}`;
      return line;
    })
    .join('\n');
}

/**
 * Records an error `input` emits while the restore prepares (before a consumer listens), so it is
 * neither lost nor an uncaught exception. `check()` throws it (or reports an input closed early);
 * `release()` stops listening.
 */
export function guardInput(input: Readable): { check(): void; release(): void } {
  let early: unknown;
  let failed = false;
  const onError = (error: unknown) => {
    if (failed) return;
    failed = true;
    early = error;
  };
  input.on('error', onError);
  return {
    check() {
      if (failed) throw early;
      if (input.destroyed && !input.readableEnded) throw new Error('input stream closed before its end');
    },
    release() {
      input.off('error', onError);
    },
  };
}
