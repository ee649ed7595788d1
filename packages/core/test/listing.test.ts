import { cpSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  backupDatabase,
  createStorage,
  listBackups,
  parseManifest,
  type Storage,
  serializeManifest,
} from '../src/index.js';
import { at, dataFile, tempDir } from './helpers/fixtures.js';
import { createTestConnector } from './helpers/test-connector.js';

async function setup() {
  const dir = tempDir();
  const remote = join(dir, 'remote');
  const data = dataFile(dir, 2000);
  const connector = createTestConnector({ dataFile: data.path, target: join(dir, 'target') });
  const storage = createStorage(remote);
  const names: string[] = [];
  // Made out of order: listing must sort by startedAt, not by name or modification time.
  for (const time of ['2026-06-02T00:00:00Z', '2026-06-03T00:00:00Z', '2026-06-01T00:00:00Z']) {
    names.push((await backupDatabase({ storage, connector, database: 'main', now: at(time) })).backup.name);
  }
  return { dir, remote, data, connector, storage, names, db: join(remote, 'db') };
}

const listNames = async (storage: Storage, database?: string) =>
  (await listBackups({ storage, database })).map((backup) => backup.name);

describe('listBackups', () => {
  it('lists newest first by startedAt, never by modification time', async () => {
    const { storage, db } = await setup();
    utimesSync(join(db, 'main-2026-06-01-000000.fake.dump.json'), new Date(), new Date('2030-01-01'));
    expect(await listNames(storage)).toEqual([
      'main-2026-06-03-000000.fake.dump',
      'main-2026-06-02-000000.fake.dump',
      'main-2026-06-01-000000.fake.dump',
    ]);
  });

  it('ignores objects without manifest, malformed manifests, wrong sizes and .partial/', async () => {
    const { storage, db, names } = await setup();
    writeFileSync(join(db, 'main-2026-07-01-000000.fake.dump'), 'no manifest');
    writeFileSync(join(db, 'main-2026-07-02-000000.fake.dump'), 'x');
    writeFileSync(
      join(db, 'main-2026-07-02-000000.fake.dump.json'),
      '{"formatVersion":1,"database":"main"}\n',
    );
    writeFileSync(join(db, 'main-2026-07-03-000000.fake.dump.json'), 'not json at all\n');
    // A valid manifest whose object has another size.
    const manifest = JSON.parse(readFileSync(join(db, `${names[0]}.json`), 'utf8'));
    const resized = {
      ...manifest,
      name: 'main-2026-07-04-000000.fake.dump',
      path: 'db/main-2026-07-04-000000.fake.dump',
      startedAt: '2026-07-04T00:00:00.000Z',
    };
    writeFileSync(join(db, `${resized.name}.json`), serializeManifest(resized));
    writeFileSync(join(db, resized.name), 'short');
    // A complete-looking backup under .partial/.
    cpSync(join(db, names[0]!), join(db, '.partial', names[0]!));
    cpSync(join(db, `${names[0]}.json`), join(db, '.partial', `${names[0]}.json`));
    expect(await listNames(storage)).toHaveLength(3);
  });

  it('a manifest without its trailing newline does not hide its neighbours', async () => {
    const { storage, db, names } = await setup();
    const path = join(db, `${names[1]}.json`);
    writeFileSync(path, readFileSync(path, 'utf8').trimEnd());
    expect(await listNames(storage)).toHaveLength(3);
  });

  it('filters by database', async () => {
    const { storage, connector } = await setup();
    await backupDatabase({ storage, connector, database: 'other', now: at('2026-06-04T00:00:00Z') });
    expect(await listNames(storage, 'other')).toEqual(['other-2026-06-04-000000.fake.dump']);
    expect(await listNames(storage, 'main')).toHaveLength(3);
    expect(await listNames(storage)).toHaveLength(4);
  });

  it('two backups in the same second get distinct names and are both listed', async () => {
    const { storage, connector } = await setup();
    const now = at('2026-06-05T00:00:00Z');
    const first = await backupDatabase({ storage, connector, database: 'main', now });
    const second = await backupDatabase({ storage, connector, database: 'main', now });
    const third = await backupDatabase({ storage, connector, database: 'main', now });
    expect([first.backup.name, second.backup.name, third.backup.name]).toEqual([
      'main-2026-06-05-000000.fake.dump',
      'main-2026-06-05-000000-1.fake.dump',
      'main-2026-06-05-000000-2.fake.dump',
    ]);
    expect(await listNames(storage)).toHaveLength(6);
  });

  it('manifests are one compact JSON line, with every recorded field', async () => {
    const { db, names, data } = await setup();
    const text = readFileSync(join(db, `${names[0]}.json`), 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.trimEnd().includes('\n')).toBe(false);
    const parsed = parseManifest(text);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.manifest).toMatchObject({
      formatVersion: 1,
      database: 'main',
      connector: 'fake',
      engine: 'fake',
      serverVersion: '1.0',
      toolVersion: 'fake_dump 1.0',
      name: names[0],
      path: `db/${names[0]}`,
      bytes: 2000,
      sha256: data.sha256,
      startedAt: '2026-06-02T00:00:00.000Z',
      rowCounts: { items: 3 },
    });
    for (const bad of [
      '',
      '[]',
      '{}',
      text.replace('"formatVersion":1', '"formatVersion":2'),
      text.replace(/"sha256":"[0-9a-f]+"/, '"sha256":"xyz"'),
      text.replace('"path":"db/', '"path":"../'),
    ]) {
      expect(parseManifest(bad).ok, bad).toBe(false);
    }
  });
});
