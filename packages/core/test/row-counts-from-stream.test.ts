import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BkEvent, backupDatabase, createStorage, type RowCounter } from '../src/index.js';
import { dataFile, tempDir } from './helpers/fixtures.js';
import { createTestConnector } from './helpers/test-connector.js';

/** Counts newline bytes as rows of one table; remembers how many bytes it was fed. */
function lineCounter(fed: { bytes: number }, readable = true): RowCounter {
  let lines = 0;
  return {
    write(chunk) {
      fed.bytes += chunk.length;
      for (const byte of chunk) if (byte === 0x0a) lines += 1;
    },
    end: async () => (readable ? { lines } : undefined),
  };
}

describe('row counts from the dump stream (Connector.rowCounter)', () => {
  it('are counted in every stored byte, and rowCounts() is never called', async () => {
    const dir = tempDir();
    const data = dataFile(dir, 300 * 1024);
    const base = createTestConnector({ dataFile: data.path, target: join(dir, 'target') });
    const fed = { bytes: 0 };
    const connector = {
      ...base,
      rowCounter: () => lineCounter(fed),
      rowCounts: () => Promise.reject(new Error('rowCounts() must not run beside a stream counter')),
    };
    const { backup } = await backupDatabase({
      storage: createStorage(join(dir, 'remote')),
      connector,
      database: 'main',
    });
    expect(fed.bytes).toBe(backup.bytes);
    expect(backup.rowCounts).toEqual({
      lines: readFileSync(data.path).filter((byte) => byte === 0x0a).length,
    });
  });

  it('a dump the counter cannot read records no counts, with a warning, and the backup succeeds', async () => {
    const dir = tempDir();
    const data = dataFile(dir, 64 * 1024);
    const base = createTestConnector({ dataFile: data.path, target: join(dir, 'target') });
    const events: BkEvent[] = [];
    const { backup } = await backupDatabase({
      storage: createStorage(join(dir, 'remote')),
      connector: { ...base, rowCounter: () => lineCounter({ bytes: 0 }, false) },
      database: 'main',
      onEvent: (event) => events.push(event),
    });
    expect(backup.rowCounts).toBeUndefined();
    expect(events.flatMap((event) => (event.type === 'warning' ? [event.message] : []))).toEqual([
      expect.stringMatching(/could not read row counts from the .* dump/),
    ]);
  });
});
