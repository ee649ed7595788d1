import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applyRetention,
  backupDatabase,
  ConfigError,
  createStorage,
  listBackups,
  planRetention,
  validateKeepPolicy,
} from '../src/index.js';
import { at, dataFile, filesUnder, tempDir } from './helpers/fixtures.js';
import { createTestConnector } from './helpers/test-connector.js';

function setup() {
  const dir = tempDir();
  const remote = join(dir, 'remote');
  const data = dataFile(dir, 10_000);
  const connector = createTestConnector({ dataFile: data.path, target: join(dir, 'target') });
  return { dir, remote, data, connector, storage: createStorage(remote) };
}

describe('invariant 2: retention runs only after success, never deletes the new backup, rejects keep < 1', () => {
  it('keeps exactly N, always including the backup just made', async () => {
    const { storage, connector } = setup();
    const made: string[] = [];
    for (const [index, time] of [
      '2026-01-01T01:00:00Z',
      '2026-01-02T01:00:00Z',
      '2026-01-03T01:00:00Z',
      '2026-01-04T01:00:00Z',
    ].entries()) {
      const { backup, pruned } = await backupDatabase({
        storage,
        connector,
        database: 'main',
        keep: 2,
        now: at(time),
      });
      made.push(backup.name);
      const listed = (await listBackups({ storage })).map((item) => item.name);
      expect(listed[0]).toBe(backup.name);
      expect(listed).toEqual(made.slice(-2).reverse());
      expect(pruned.map((item) => item.name)).toEqual(index >= 2 ? [made[index - 2]] : []);
    }
  });

  it('keeps the just-made backup even when it is older than what the policy keeps', async () => {
    const { storage, connector } = setup();
    await backupDatabase({ storage, connector, database: 'main', now: at('2026-05-02T00:00:00Z') });
    await backupDatabase({ storage, connector, database: 'main', now: at('2026-05-03T00:00:00Z') });
    // A clock running behind: the new backup is the oldest by startedAt.
    const { backup } = await backupDatabase({
      storage,
      connector,
      database: 'main',
      keep: 1,
      now: at('2026-05-01T00:00:00Z'),
    });
    const listed = (await listBackups({ storage })).map((item) => item.name);
    expect(listed).toEqual(['main-2026-05-03-000000.fake.dump', backup.name]);
  });

  it('does not run after a failed backup', async () => {
    const { dir, storage, connector, data } = setup();
    for (const day of ['01', '02', '03']) {
      await backupDatabase({ storage, connector, database: 'main', now: at(`2026-02-${day}T00:00:00Z`) });
    }
    const failing = createTestConnector({ dataFile: data.path, target: join(dir, 'target'), killAt: 500 });
    await expect(
      backupDatabase({
        storage,
        connector: failing,
        database: 'main',
        keep: 1,
        now: at('2026-02-04T00:00:00Z'),
      }),
    ).rejects.toThrow(/fake_dump was killed/);
    expect(await listBackups({ storage })).toHaveLength(3);
  });

  it('rejects keep below 1, non-integers and unknown rules before anything happens', async () => {
    const { remote, storage, connector } = setup();
    for (const keep of [
      0,
      -1,
      1.5,
      { last: 0 },
      { daily: 2.5 },
      { hourly: 1, fortnightly: 2 },
      {},
      { within: '3 parsecs' },
    ]) {
      const error = await backupDatabase({ storage, connector, database: 'main', keep: keep as never }).catch(
        (caught: unknown) => caught,
      );
      expect(error, JSON.stringify(keep)).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).key).toMatch(/^db\.keep/);
    }
    expect(filesUnder(remote)).toEqual([]);
    expect(() => validateKeepPolicy(0)).toThrow('invalid keep policy 0: keep must be at least 1');
    expect(() => validateKeepPolicy({ weekly: 4, within: '2w' })).not.toThrow();
  });

  it('applyRetention: dry run changes nothing; only manifested backups count; protect wins', async () => {
    const { remote, storage, connector } = setup();
    for (const day of ['01', '02', '03']) {
      await backupDatabase({ storage, connector, database: 'main', now: at(`2026-03-${day}T00:00:00Z`) });
    }
    await backupDatabase({ storage, connector, database: 'other', now: at('2026-03-04T00:00:00Z') });
    const before = filesUnder(remote);
    const dry = await applyRetention({ storage, database: 'main', keep: 1, dryRun: true });
    expect(dry.removed).toEqual([]);
    expect(dry.decisions.map((decision) => [decision.item.name, decision.keptBy])).toEqual([
      ['main-2026-03-03-000000.fake.dump', ['last 1']],
      ['main-2026-03-02-000000.fake.dump', []],
      ['main-2026-03-01-000000.fake.dump', []],
    ]);
    expect(filesUnder(remote)).toEqual(before);
    const events: string[] = [];
    const real = await applyRetention({
      storage,
      database: 'main',
      keep: 1,
      protect: ['main-2026-03-01-000000.fake.dump'],
      onEvent: (event) => events.push(event.type === 'info' ? event.message : event.type),
    });
    expect(real.removed.map((item) => item.name)).toEqual(['main-2026-03-02-000000.fake.dump']);
    expect(events).toEqual(['removed main-2026-03-02-000000.fake.dump (kept by no rule)']);
    expect(filesUnder(remote)).toEqual(
      [
        'db/main-2026-03-01-000000.fake.dump',
        'db/main-2026-03-01-000000.fake.dump.json',
        'db/main-2026-03-03-000000.fake.dump',
        'db/main-2026-03-03-000000.fake.dump.json',
        'db/other-2026-03-04-000000.fake.dump',
        'db/other-2026-03-04-000000.fake.dump.json',
      ].sort(),
    );
  });

  it('planRetention never removes the last remaining item', () => {
    const items = [new Date('2026-01-01T00:00:00Z')];
    const [decision] = planRetention(items, { within: '1d' }, { time: (item) => item });
    expect(decision?.keep).toBe(true);
  });
});
