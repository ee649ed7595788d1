import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupDatabase, createStorage, listBackups } from '../src/index.js';
import { splitJsonObjects } from '../src/list/split-json-objects.js';
import { at, dataFile, tempDir } from './helpers/fixtures.js';
import { createTestConnector } from './helpers/test-connector.js';

describe('listing reads every manifest with one rclone cat', () => {
  it('even when no manifest ends with a newline (hand-edited, or written by another tool)', async () => {
    const dir = tempDir();
    const remote = join(dir, 'remote');
    const data = dataFile(dir, 100);
    const connector = createTestConnector({ dataFile: data.path, target: join(dir, 'target') });
    const storage = createStorage(remote);
    for (let day = 1; day <= 12; day += 1) {
      const now = at(`2026-07-${String(day).padStart(2, '0')}T00:00:00Z`);
      await backupDatabase({ storage, connector, database: 'main', now });
    }
    const db = join(remote, 'db');
    const manifests = readdirSync(db).filter((name) => name.endsWith('.json'));
    expect(manifests).toHaveLength(12);
    for (const name of manifests) {
      const text = readFileSync(join(db, name), 'utf8').trimEnd();
      // Pretty-printed, without its newline: braces and "}{" inside strings must not split it.
      const manifest = { ...JSON.parse(text), host: 'a}{b"\\' };
      writeFileSync(join(db, name), JSON.stringify(manifest, null, 2));
    }
    let reads = 0;
    const read = storage.read.bind(storage);
    storage.read = (...args: Parameters<typeof storage.read>) => {
      reads += 1;
      return read(...args);
    };
    const listed = await listBackups({ storage });
    expect(listed).toHaveLength(12);
    expect(listed[0]?.host).toBe('a}{b"\\');
    expect(reads).toBe(0);
  });
});

describe('splitJsonObjects', () => {
  it('splits concatenated objects whatever separates them, following strings', () => {
    expect(splitJsonObjects('{"a":"}{"}{"b":{"c":1}}\n\n{"d":"\\""}  {"open":')).toEqual([
      '{"a":"}{"}',
      '{"b":{"c":1}}',
      '{"d":"\\""}',
    ]);
    expect(splitJsonObjects('not json ] } {"x":1}')).toEqual(['{"x":1}']);
  });
});
