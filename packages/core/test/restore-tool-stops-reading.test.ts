import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  BkError,
  backupDatabase,
  type Connector,
  createStorage,
  ProcessError,
  restoreDatabase,
  spawnWriter,
} from '../src/index.js';
import { at, tempDir } from './helpers/fixtures.js';
import { createTestConnector } from './helpers/test-connector.js';

// A restore tool that stops reading its input early must never hang bk, and must never be
// reported as a successful restore: the backup's sha256 was not confirmed.
function restoringWith(connector: Connector, script: string): Connector {
  return {
    ...connector,
    dump: (options) => connector.dump(options),
    restore: (input: Readable, options = {}) =>
      spawnWriter({ name: 'fake_restore', file: 'sh', args: ['-c', script], signal: options.signal }, input),
  };
}

async function setup() {
  const dir = tempDir();
  const data = join(dir, 'data');
  writeFileSync(data, Buffer.alloc(4 * 1024 * 1024, 'a'));
  const connector = createTestConnector({ dataFile: data, target: join(dir, 'target') });
  const storage = createStorage(join(dir, 'remote'));
  await backupDatabase({ storage, connector, database: 'main', now: at('2026-03-01T10:00:00Z') });
  return { connector, storage };
}

describe('a restore tool that stops reading early', () => {
  it('exiting 0 after 10 bytes of 4 MiB is BK_RESTORE_INCOMPLETE, not success and not a hang', async () => {
    const { connector, storage } = await setup();
    const started = Date.now();
    const error = await restoreDatabase({
      storage,
      connector: restoringWith(connector, 'head -c 10 > /dev/null'),
      database: 'main',
    }).catch((caught: unknown) => caught);
    expect(BkError.isInstance(error) && error.code).toBe('BK_RESTORE_INCOMPLETE');
    expect((error as Error).message).toMatch(/ended before reading all 4194304 bytes .* never verified$/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('exiting 1 after 10 bytes of 4 MiB reports the tool, without hanging', async () => {
    const { connector, storage } = await setup();
    const error = await restoreDatabase({
      storage,
      connector: restoringWith(
        connector,
        'head -c 10 > /dev/null; echo "fake_restore: bad header" >&2; exit 1',
      ),
      database: 'main',
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProcessError);
    expect((error as Error).message).toBe('fake_restore exited 1: fake_restore: bad header');
  });
});
