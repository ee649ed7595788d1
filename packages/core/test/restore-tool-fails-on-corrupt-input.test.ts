import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  backupDatabase,
  type Connector,
  createStorage,
  IntegrityError,
  ProcessError,
  restoreDatabase,
  spawnWriter,
} from '../src/index.js';
import { at, tempDir } from './helpers/fixtures.js';
import { createTestConnector } from './helpers/test-connector.js';

/** A test connector whose restore tool runs `script` (a real sh) on the backup's bytes. */
function withRestoreScript(connector: Connector, script: string): Connector {
  return {
    ...connector,
    dump: (options) => connector.dump(options),
    restore: (input: Readable, options = {}) =>
      spawnWriter(
        {
          name: 'fake_restore',
          file: 'sh',
          args: ['-c', script],
          signal: options.signal,
          context: 'restore',
        },
        input,
      ),
  };
}

async function setup() {
  const dir = tempDir();
  const data = join(dir, 'data');
  writeFileSync(data, Buffer.alloc(300_000, 'a'));
  const connector = createTestConnector({ dataFile: data, target: join(dir, 'target') });
  const storage = createStorage(join(dir, 'remote'));
  const { backup } = await backupDatabase({
    storage,
    connector,
    database: 'main',
    now: at('2026-03-01T10:00:00Z'),
  });
  return { connector, storage, object: join(dir, 'remote', backup.path) };
}

describe('a restore tool that fails before the backup is verified', () => {
  it('on a corrupt backup: the error is the IntegrityError, with the tool failure as its cause', async () => {
    const { connector, storage, object } = await setup();
    const bytes = readFileSync(object);
    bytes[1000] = 'Z'.charCodeAt(0);
    writeFileSync(object, bytes);
    // Like sqlite3 on a corrupt line: the tool stops at the bad byte, long before the end.
    const picky = withRestoreScript(
      connector,
      'if grep -q Z; then echo "fake_restore: syntax error near Z" >&2; exit 1; fi',
    );
    const error = await restoreDatabase({ storage, connector: picky, database: 'main' }).catch(
      (caught) => caught,
    );
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error.message).toMatch(/sha256/);
    // Either the tool's failure came first (then it is the cause), or the verifier saw the end.
    if (error.cause !== undefined) {
      expect(error.cause).toBeInstanceOf(ProcessError);
      expect(error.cause.message).toMatch(/fake_restore exited 1: fake_restore: syntax error near Z/);
    }
  });

  it('when the tool reports its own failure after the verifier already failed: still the IntegrityError', async () => {
    const { connector, storage, object } = await setup();
    const bytes = readFileSync(object);
    bytes[bytes.length - 1000] = (bytes[bytes.length - 1000] ?? 0) ^ 1;
    writeFileSync(object, bytes);
    // The order a loaded machine can produce: the verifier finds the sha256 wrong first, and the
    // tool's own exit (not the input's error) is what the connector reports.
    const late: Connector = {
      ...connector,
      dump: (options) => connector.dump(options),
      restore: async (input: Readable) => {
        await new Promise<void>((resolve) => {
          input.on('error', () => resolve());
          input.on('end', () => resolve());
          input.resume();
        });
        throw new ProcessError({
          process: 'fake_restore',
          exitCode: 1,
          signal: undefined,
          stderrTail: 'syntax error',
        });
      },
    };
    const error = await restoreDatabase({ storage, connector: late, database: 'main' }).catch(
      (caught) => caught,
    );
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error.message).toMatch(/sha256/);
    expect(error.cause).toBeInstanceOf(ProcessError);
  });

  it('on an intact backup: the tool error is reported as it is', async () => {
    const { connector, storage } = await setup();
    const failing = withRestoreScript(
      connector,
      'head -c 10 >/dev/null; echo "fake_restore: cannot connect" >&2; exit 1',
    );
    const error = await restoreDatabase({ storage, connector: failing, database: 'main' }).catch(
      (caught) => caught,
    );
    expect(error).toBeInstanceOf(ProcessError);
    expect(error.message).toMatch(/fake_restore exited 1: fake_restore: cannot connect/);
  });
});
