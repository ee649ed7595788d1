import type { Connector, RowCounter } from '../contracts/connector.js';
import type { Storage } from '../contracts/storage.js';
import { AbortedError } from '../errors/aborted-error.js';
import { linkedController } from '../layout/abort.js';
import { type CounterProgress, HashingCounter } from './hashing-counter.js';

/** What was streamed to the staging object. */
export interface StreamedDump {
  bytes: number;
  sha256: string;
  /** What `rowCounter` counted in the stored bytes (only when one was given and could read them). */
  rowCounts?: Record<string, number>;
}

const BROKEN_PIPE = /EPIPE|broken pipe|SIGPIPE/i;

function isBrokenPipe(error: unknown): boolean {
  const failure = error as { signal?: unknown; stderrTail?: unknown; message?: unknown };
  return (
    failure?.signal === 'SIGPIPE' ||
    BROKEN_PIPE.test(String(failure?.stderrTail ?? '')) ||
    BROKEN_PIPE.test(String(failure?.message ?? ''))
  );
}

/**
 * Streams `connector.dump()` through a sha256/byte counter into `storage.put(stagingPath)` and
 * waits for both sides. When one side fails, the other is stopped through an internal abort, and
 * the side that failed first is reported: a dump that died is the dump's failure even though
 * rclone saw a clean end of input and exited 0; an upload failure is rclone's even if the dump
 * then died of a broken pipe. A caller's abort is reported as an {@link AbortedError}.
 */
export async function streamDump(options: {
  connector: Pick<Connector, 'dump'>;
  storage: Storage;
  stagingPath: string;
  database: string;
  signal?: AbortSignal;
  onProgress?: (progress: CounterProgress) => void;
  /** Fed every stored chunk on the hashing pass: row counts of exactly what the backup holds. */
  rowCounter?: RowCounter;
  /** The connector's size estimate, so an S3 upload can raise its part size (`s3ChunkSize`). */
  estimatedBytes?: number;
}): Promise<StreamedDump> {
  const { controller, dispose } = linkedController(options.signal);
  const internal = controller.signal;
  const rowCounter = options.rowCounter;
  const counter = new HashingCounter({
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(rowCounter ? { tap: (chunk: Buffer) => rowCounter.write(chunk) } : {}),
  });
  type Outcome = { side: 'dump' | 'upload'; error: unknown; at: number; ours: boolean };
  const failures: Outcome[] = [];
  const fail = (side: Outcome['side'], error: unknown) => {
    // A failure after the pipeline was stopped (the other side failed, or the caller aborted) is a
    // consequence, not a cause: rclone killed on purpose, a dump killed by our SIGTERM.
    const ours = internal.aborted;
    failures.push({ side, error, at: performance.now(), ours });
    if (!internal.aborted) controller.abort(new Error(`${side} failed`));
  };
  try {
    const dump = options.connector.dump({ signal: internal });
    // A failed dump fails its stream too: that is the dump's failure, recorded before the upload's
    // (which it causes); `done`'s error, when it comes, replaces it (a connector may refine it).
    dump.stream.once('error', (error) => {
      fail('dump', error);
      counter.destroy(error);
    });
    internal.addEventListener('abort', () => counter.destroy(), { once: true });
    dump.stream.pipe(counter);
    const dumped = dump.done.then(
      () => undefined,
      (error: unknown) => {
        const fromStream = failures.find((failure) => failure.side === 'dump');
        if (fromStream) fromStream.error = error;
        else fail('dump', error);
      },
    );
    // `estimatedBytes` is an RcloneStorage extension; other storages ignore it.
    const putOptions: Parameters<Storage['put']>[2] & { estimatedBytes?: number } = { signal: internal };
    if (options.estimatedBytes !== undefined) putOptions.estimatedBytes = options.estimatedBytes;
    const uploaded = options.storage.put(options.stagingPath, counter, putOptions).then(
      () => undefined,
      (error: unknown) => fail('upload', error),
    );
    await Promise.all([dumped, uploaded]);
    if (options.signal?.aborted) {
      throw new AbortedError(`backup of "${options.database}"`, { cause: options.signal.reason });
    }
    if (failures.length > 0) throw causeOf(failures);
    const rowCounts = await rowCounter?.end();
    return { bytes: counter.bytes, sha256: counter.sha256, ...(rowCounts ? { rowCounts } : {}) };
  } finally {
    dispose();
  }
}

function causeOf(failures: { side: 'dump' | 'upload'; error: unknown; ours: boolean }[]): unknown {
  const own = failures.filter((failure) => !failure.ours);
  const candidates = own.length > 0 ? own : failures;
  const upload = candidates.find((failure) => failure.side === 'upload');
  const dump = candidates.find((failure) => failure.side === 'dump');
  // The dump's broken pipe is the consequence of the upload dying.
  if (upload && dump && isBrokenPipe(dump.error)) return upload.error;
  return candidates[0]?.error;
}
