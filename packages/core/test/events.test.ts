import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BkEvent, backupDatabase, createStorage, restoreDatabase } from '../src/index.js';
import { at, dataFile, tempDir } from './helpers/fixtures.js';
import { createTestConnector } from './helpers/test-connector.js';

describe('events', () => {
  it('backup and restore emit started, progress, completed in order; a failure emits failed', async () => {
    const dir = tempDir();
    const data = dataFile(dir, 1024 * 1024);
    const storage = createStorage(join(dir, 'remote'));
    const slow = createTestConnector({ dataFile: data.path, target: join(dir, 'target'), delayMs: 100 });
    const events: BkEvent[] = [];
    const { backup } = await backupDatabase({
      storage,
      connector: slow,
      database: 'main',
      now: at('2026-01-01T00:00:00Z'),
      onEvent: (event) => events.push(event),
    });
    const types = events.map((event) => event.type);
    expect(types[0]).toBe('started');
    expect(types.at(-1)).toBe('completed');
    expect(types.filter((type) => type === 'progress').length).toBeGreaterThanOrEqual(2);
    expect(events.at(-1)).toMatchObject({
      operation: 'backup',
      database: 'main',
      bytes: 1024 * 1024,
      name: backup.name,
    });
    const progress = events.filter((event) => event.type === 'progress').map((event) => event.bytes);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    const restoreEvents: string[] = [];
    await restoreDatabase({
      storage,
      connector: slow,
      database: 'main',
      onEvent: (event) => restoreEvents.push(`${event.operation}:${event.type}`),
    });
    expect(restoreEvents[0]).toBe('restore:started');
    expect(restoreEvents.at(-1)).toBe('restore:completed');

    const failing = createTestConnector({ dataFile: data.path, target: join(dir, 'target'), killAt: 10 });
    const failed: BkEvent[] = [];
    await backupDatabase({
      storage,
      connector: failing,
      database: 'main',
      onEvent: (event) => failed.push(event),
    }).catch(() => {});
    expect(failed.map((event) => event.type)).toEqual(['started', 'failed']);
    expect(failed[1]).toMatchObject({ type: 'failed', error: { process: 'fake_dump' } });
  });

  it('an aborted backup rejects with AbortedError and leaves nothing', async () => {
    const dir = tempDir();
    const data = dataFile(dir, 1024 * 1024);
    const remote = join(dir, 'remote');
    const storage = createStorage(remote);
    const slow = createTestConnector({ dataFile: data.path, target: join(dir, 'target'), delayMs: 100 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 700);
    const error = (await backupDatabase({
      storage,
      connector: slow,
      database: 'main',
      signal: controller.signal,
    }).catch((caught: unknown) => caught)) as Error & { code: string; category: string };
    expect(error.code).toBe('BK_ABORTED');
    expect(error.category).toBe('interrupted');
    const { filesUnder } = await import('./helpers/fixtures.js');
    expect(filesUnder(remote).filter((path) => !path.startsWith('db/.partial/'))).toEqual([]);
  });
});
