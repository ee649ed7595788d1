import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupDatabase, createStorage } from '../src/index.js';
import { at, dataFile, filesUnder, tempDir } from './helpers/fixtures.js';
import { createTestConnector } from './helpers/test-connector.js';

describe('db/.partial/', () => {
  it('uploads left for over a day are swept after a successful backup; fresh ones stay', async () => {
    const dir = tempDir();
    const remote = join(dir, 'remote');
    mkdirSync(join(remote, 'db/.partial'), { recursive: true });
    const stale = join(remote, 'db/.partial/old.fake.dump.abc');
    writeFileSync(stale, 'left by a crash');
    const old = new Date(Date.now() - 2 * 86_400_000);
    utimesSync(stale, old, old);
    writeFileSync(join(remote, 'db/.partial/running.fake.dump.def'), 'in flight');
    const data = dataFile(dir, 100);
    const connector = createTestConnector({ dataFile: data.path, target: join(dir, 't') });
    await backupDatabase({
      storage: createStorage(remote),
      connector,
      database: 'main',
      now: at('2026-01-01T00:00:00Z'),
    });
    expect(filesUnder(remote)).toEqual([
      'db/.partial/running.fake.dump.def',
      'db/main-2026-01-01-000000.fake.dump',
      'db/main-2026-01-01-000000.fake.dump.json',
    ]);
  });
});
