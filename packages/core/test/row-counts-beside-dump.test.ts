import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  backupDatabase,
  createStorage,
  listBackups,
  ProcessError,
  readFailureRecord,
  runCommand,
} from '../src/index.js';
import { dataFile, filesUnder, tempDir } from './helpers/fixtures.js';
import { createTestConnector } from './helpers/test-connector.js';

// Row counts (recorded in the manifest for restore drills) run beside the dump, not before it.
describe('row counts run beside the dump', () => {
  it('are recorded in the manifest although they finish after the dump started', async () => {
    const dir = tempDir();
    const data = dataFile(dir, 640 * 1024);
    const base = createTestConnector({ dataFile: data.path, target: join(dir, 'target'), delayMs: 20 });
    const order: string[] = [];
    const connector = {
      ...base,
      dump: (options?: Parameters<typeof base.dump>[0]) => {
        order.push('dump started');
        return base.dump(options);
      },
      async rowCounts() {
        order.push('count started');
        await new Promise((done) => setTimeout(done, 1500));
        order.push('count finished');
        return { items: 3, users: 7 };
      },
    };
    const { backup } = await backupDatabase({
      storage: createStorage(join(dir, 'remote')),
      connector,
      database: 'main',
    });
    expect(backup.rowCounts).toEqual({ items: 3, users: 7 });
    // The dump did not wait for the count.
    expect(order.indexOf('dump started')).toBeLessThan(order.indexOf('count finished'));
  });

  it('a count that fails mid-dump stops the dump; its error is reported and nothing is listed', async () => {
    const dir = tempDir();
    const remote = join(dir, 'remote');
    const data = dataFile(dir, 2 * 1024 * 1024);
    // ~3 s of dump: the count fails well before the end.
    const base = createTestConnector({ dataFile: data.path, target: join(dir, 'target'), delayMs: 100 });
    let dumpSignal: AbortSignal | undefined;
    let dumpStarted: () => void = () => {};
    const dumping = new Promise<void>((resolve) => {
      dumpStarted = resolve;
    });
    const connector = {
      ...base,
      dump: (options?: Parameters<typeof base.dump>[0]) => {
        dumpSignal = options?.signal;
        dumpStarted();
        return base.dump(options);
      },
      // Fails 0.3 s after the dump started (on a loaded machine the steps before the dump can take
      // longer than 0.3 s: that case is the next test's).
      rowCounts: async (options?: { signal?: AbortSignal }) => {
        await dumping;
        await runCommand({
          name: 'fake_count',
          file: 'sh',
          args: ['-c', 'sleep 0.3; echo "fake_count: permission denied for table items" >&2; exit 3'],
          ...(options?.signal ? { signal: options.signal } : {}),
        });
        return { items: 0 };
      },
    };
    const started = Date.now();
    const error = await backupDatabase({ storage: createStorage(remote), connector, database: 'main' }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ProcessError);
    expect((error as ProcessError).process).toBe('fake_count');
    expect((error as Error).message).toMatch(/permission denied for table items/);
    // On a loaded machine the count can fail before the dump started: then it never starts.
    expect(dumpSignal === undefined || dumpSignal.aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(await listBackups({ storage: createStorage(remote) })).toEqual([]);
    expect(filesUnder(remote).filter((path) => !path.startsWith('db/.partial/'))).toEqual([]);
  });
  it('a count that fails before the dump (connection refused) is that failure, not an interrupt, and is recorded', async () => {
    const dir = tempDir();
    const remote = join(dir, 'remote');
    const data = dataFile(dir, 64 * 1024);
    const base = createTestConnector({ dataFile: data.path, target: join(dir, 'target') });
    // describe() is still talking to the server when the count fails: the failure aborts it.
    const connector = {
      ...base,
      describe: async (options?: { signal?: AbortSignal }) => {
        await runCommand({
          name: 'fake_describe',
          file: 'sleep',
          args: ['5'],
          ...(options?.signal ? { signal: options.signal } : {}),
        });
        return base.describe();
      },
      rowCounts: (options?: { signal?: AbortSignal }) =>
        runCommand({
          name: 'fake_count',
          file: 'sh',
          args: ['-c', 'sleep 0.2; echo "fake_count: connection refused" >&2; exit 2'],
          ...(options?.signal ? { signal: options.signal } : {}),
        }).then(() => ({ items: 0 })),
    };
    const storage = createStorage(remote);
    const error = await backupDatabase({ storage, connector, database: 'main' }).catch(
      (caught: unknown) => caught,
    );
    expect((error as ProcessError).code).toBe('BK_PROCESS_FAILED');
    expect((error as ProcessError).category).toBe('operation');
    expect((error as Error).message).toMatch(/fake_count exited 2: fake_count: connection refused/);
    const record = await readFailureRecord({ storage, database: 'main' });
    expect(record?.error).toMatch(/connection refused/);
    expect(await listBackups({ storage })).toEqual([]);
  });
});
