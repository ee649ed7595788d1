import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  backupDatabase,
  type Connector,
  createStorage,
  ProcessError,
  restoreDatabase,
  spawnWriter,
} from '../src/index.js';
import { at, dataFile, rcloneWrapper, tempDir } from './helpers/fixtures.js';
import { createTestConnector } from './helpers/test-connector.js';

describe('invariant 5: every error names its cause', () => {
  it('a dump that fails names the dump tool, its exit code and its stderr tail', async () => {
    const dir = tempDir();
    const data = dataFile(dir, 5000);
    const connector = createTestConnector({ dataFile: data.path, target: join(dir, 't'), exitCode: 2 });
    const error = (await backupDatabase({
      storage: createStorage(join(dir, 'r')),
      connector,
      database: 'main',
    }).catch((caught: unknown) => caught)) as ProcessError;
    expect(error).toMatchObject({ process: 'fake_dump', exitCode: 2, code: 'BK_PROCESS_FAILED' });
    expect(error.stderrTail).toMatch(/lost connection to server/);
  });

  it('withHint keeps the message, code and fields, and only changes the hint', () => {
    const original = new ProcessError(
      {
        process: 'psql',
        exitCode: 2,
        signal: undefined,
        stderrTail: 'FATAL: database "x" does not exist',
        context: 'check of x',
      },
      { hint: 'first' },
    );
    const hinted = original.withHint('pass --create');
    expect(hinted).toBeInstanceOf(ProcessError);
    expect(hinted.message).toBe('psql exited 2: FATAL: database "x" does not exist (check of x)');
    expect(hinted).toMatchObject({
      process: 'psql',
      exitCode: 2,
      code: 'BK_PROCESS_FAILED',
      context: 'check of x',
      hint: 'pass --create',
      cause: original,
    });
    expect(original.hint).toBe('first');
  });

  it('rclone failing mid-upload is reported as rclone even though the dump is then stopped', async () => {
    const dir = tempDir();
    const data = dataFile(dir, 2 * 1024 * 1024);
    const binary = rcloneWrapper(
      dir,
      'rcat',
      'head -c 100000 >/dev/null; echo "Failed to rcat: quota exceeded" >&2; exit 1',
    );
    const storage = createStorage(join(dir, 'r'), { rclone: { binary } });
    const connector = createTestConnector({ dataFile: data.path, target: join(dir, 't'), delayMs: 10 });
    const error = (await backupDatabase({ storage, connector, database: 'main' }).catch(
      (caught: unknown) => caught,
    )) as Error & {
      exitCode: number;
    };
    expect(error.message).toMatch(/^rclone rcat exited 1: .*quota exceeded/);
    expect(error.exitCode).toBe(1);
  });

  it('a restore tool that fails names the restore tool', async () => {
    const dir = tempDir();
    const data = dataFile(dir, 300_000);
    const storage = createStorage(join(dir, 'r'));
    const good = createTestConnector({ dataFile: data.path, target: join(dir, 't') });
    await backupDatabase({ storage, connector: good, database: 'main', now: at('2026-01-01T00:00:00Z') });
    const failing: Connector = {
      ...good,
      restore: (input, options = {}) =>
        spawnWriter(
          {
            name: 'fake_restore',
            file: 'sh',
            args: ['-c', 'head -c 1000 >/dev/null; echo "ERROR: relation already exists" >&2; exit 4'],
            signal: options.signal,
          },
          input,
        ),
    };
    const error = (await restoreDatabase({ storage, connector: failing, database: 'main' }).catch(
      (caught: unknown) => caught,
    )) as ProcessError;
    expect(error).toBeInstanceOf(ProcessError);
    expect(error.message).toBe('fake_restore exited 4: ERROR: relation already exists');
  });
});
