import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BackupNotFoundError,
  backupDatabase,
  ConfigError,
  createStorage,
  findBackup,
  renderFilename,
  restoreDatabase,
  validateFilenameTemplate,
  validateInputPath,
} from '../src/index.js';
import { at, dataFile, filesUnder, tempDir } from './helpers/fixtures.js';
import { createTestConnector } from './helpers/test-connector.js';

function setup() {
  const dir = tempDir();
  const remote = join(dir, 'remote');
  const data = dataFile(dir, 1000);
  const marker = join(dir, 'marker');
  const connector = createTestConnector({
    dataFile: data.path,
    target: join(dir, 'target'),
    startedMarker: marker,
  });
  return { dir, remote, marker, connector, storage: createStorage(remote) };
}

describe('invariant 7: bad input gets a config error and changes nothing', () => {
  it('unknown remote: config error (exit 2 category), nothing dumped', async () => {
    const { marker, connector } = setup();
    const storage = createStorage('bk-no-such-remote-xyz:backups');
    const error = (await backupDatabase({ storage, connector, database: 'main' }).catch(
      (caught: unknown) => caught,
    )) as Error & { category: string; code: string };
    expect(error.category).toBe('config');
    expect(error.message).toMatch(/didn't find section in config file/);
    expect(existsSync(`${marker}.dump`)).toBe(false);
  });

  it('a missing local directory is fine: the first backup creates it', async () => {
    const { remote, connector, storage } = setup();
    await storage.check();
    await backupDatabase({ storage, connector, database: 'main', now: at('2026-01-01T00:00:00Z') });
    expect(filesUnder(remote)).toEqual([
      'db/main-2026-01-01-000000.fake.dump',
      'db/main-2026-01-01-000000.fake.dump.json',
    ]);
  });

  it('bad filename templates are rejected with their config key', async () => {
    const { remote, marker, connector, storage } = setup();
    const bad: [string, RegExp][] = [
      ['{database}.{ext}', /must contain \{datetime\}/],
      ['{datetime}.{ext}', /must contain \{database\}/],
      ['../{database}-{datetime}', /must not contain/],
      ['dir/{database}-{datetime}', /must not contain \/ or \\/],
      ['{database}\\{datetime}', /must not contain \/ or \\/],
      ['{database}-{datetime}-{user}', /unknown placeholder \{user\}/],
      ['{database}-{datetime}-{', /unbalanced/],
      ['', /empty/],
    ];
    for (const [template, message] of bad) {
      expect(() => validateFilenameTemplate(template), template).toThrow(message);
      const error = await backupDatabase({
        storage,
        connector,
        database: 'main',
        filenameTemplate: template,
      }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).key).toBe('db.filenameTemplate');
    }
    expect(filesUnder(remote)).toEqual([]);
    expect(existsSync(`${marker}.dump`)).toBe(false);
    expect(
      renderFilename('{host}_{database}_{datetime}.{ext}', {
        database: 'app',
        date: new Date('2026-11-22T03:30:00.123Z'),
        ext: 'pgdump',
        host: 'web1',
      }),
    ).toBe('web1_app_2026-11-22-033000.pgdump');
  });

  it('input path traversal and absolute paths are rejected', async () => {
    for (const path of ['../etc/passwd', 'db/../../x', '/etc/passwd', 'db\\x', '', 'C:/x', 'db/./../x']) {
      expect(() => validateInputPath(path), path).toThrow(ConfigError);
    }
    expect(validateInputPath('./db//main-2026-01-01-000000.fake.dump')).toBe(
      'db/main-2026-01-01-000000.fake.dump',
    );
    const { storage, connector, marker } = setup();
    const error = await restoreDatabase({
      storage,
      connector,
      database: 'main',
      inputPath: '../secret',
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).key).toBe('--input-path');
    expect(existsSync(`${marker}.restore`)).toBe(false);
  });

  it('an input path that belongs to another database, or does not exist, is refused', async () => {
    const { storage, connector, marker } = setup();
    const { backup } = await backupDatabase({
      storage,
      connector,
      database: 'other',
      now: at('2026-01-01T00:00:00Z'),
    });
    const error = await findBackup({ storage, database: 'main', inputPath: backup.path }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      'backup other-2026-01-01-000000.fake.dump belongs to database "other", not "main"',
    );
    expect((await findBackup({ storage, database: 'other', inputPath: backup.name })).name).toBe(backup.name);
    await expect(
      findBackup({ storage, database: 'main', inputPath: 'nope.fake.dump' }),
    ).rejects.toBeInstanceOf(BackupNotFoundError);
    await expect(findBackup({ storage, database: 'main' })).rejects.toBeInstanceOf(BackupNotFoundError);
    expect(existsSync(`${marker}.restore`)).toBe(false);
  });

  it('a bad database alias is refused', async () => {
    const { storage, connector } = setup();
    for (const database of ['', '../x', 'a/b']) {
      await expect(backupDatabase({ storage, connector, database })).rejects.toBeInstanceOf(ConfigError);
    }
  });
});
