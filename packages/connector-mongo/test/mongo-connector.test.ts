import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { dumpToBuffer, watchArgv } from '@bk/connector-test-suite';
import { BinaryNotFoundError, BkError, ConfigError, EmptyBackupError, ProcessError } from '@bk/core';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createMongoConnector, MongoConnector, MongoEmptyDumpError, readPrelude } from '../src/index.js';
import { createStandinBackend, type Doc, uniqueName } from './helpers/backend.js';

// Engine-specific tests. They read the stand-in's invocation log, so they run against the stand-ins
// only; the conformance suite (conformance.test.ts) is the part that also runs against a real server.
const backend = createStandinBackend();
const log = join(backend.dir, 'invocations.jsonl');
process.env.BK_MONGO_STANDIN_LOG = log;
afterAll(() => backend.close());

interface Invocation {
  tool: string;
  argv: string[];
  configPath?: string;
  configMode?: string;
}

function invocations(): Invocation[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Invocation);
}

async function seed(): Promise<string> {
  const database = uniqueName('bk_mongo');
  await backend.insert(database, 'users', [
    { _id: 1, name: 'ada' },
    { _id: 2, name: 'bob' },
  ]);
  await backend.insert(database, 'notes', [{ _id: 1, text: 'hello' }]);
  await backend.insert(database, 'audit', [{ _id: 1, what: 'login' }]);
  return database;
}

beforeEach(() => rmSync(log, { force: true }));

describe('connection mapping', () => {
  it('redacts the target, keeps the password only in secrets and maps URL parts', () => {
    const connector = createMongoConnector(
      'mongodb://app:s3cr%40t@db1:27017,db2/app?replicaSet=rs0&readPreference=secondary',
    );
    expect(connector.target).toBe('mongodb://app:***@db1:27017,db2/app?replicaSet=rs0&authSource=app');
    expect(connector.secrets).toEqual(['s3cr@t']);
    expect(connector.database).toBe('app');
    expect(connector.dumpArgs()).toEqual(['--archive', '--db=app', '--readPreference=secondary']);
    expect(connector.extension).toBe('archive');
  });

  it('builds the connection from an options object, and mongodb+srv keeps its host', () => {
    const connector = createMongoConnector({
      host: 'db.internal',
      port: 27018,
      user: 'app',
      password: 'pw-123',
      tls: true,
      replicaSet: 'rs1',
      database: 'shop',
      gzip: true,
    });
    expect(connector.target).toBe(
      'mongodb://app:***@db.internal:27018/shop?authSource=admin&tls=true&replicaSet=rs1',
    );
    expect(connector.extension).toBe('archive.gz');
    const srv = createMongoConnector('mongodb+srv://reader:pw-456@cluster0.example.net/');
    expect(srv.target).toBe('mongodb+srv://reader:***@cluster0.example.net/?authSource=admin');
    expect(srv.database).toBeUndefined();
  });

  it('rejects bad URLs and option combinations with a ConfigError', () => {
    expect(() => createMongoConnector('postgres://x@y/z')).toThrow(ConfigError);
    expect(() => createMongoConnector({ database: 'bad/name' })).toThrow(ConfigError);
    expect(() => createMongoConnector({ database: 'a', collection: 'c', excludeCollections: ['d'] })).toThrow(
      /cannot be combined/,
    );
    expect(() => createMongoConnector({ database: 'a', dumpArgs: ['--password=x'] })).toThrow(/config file/);
  });
});

describe('flags observed by the stand-in tools', () => {
  it('dump: --archive, --db, exclusions, read preference, gzip; restore: --gzip detected, --drop, ns options', async () => {
    const database = await seed();
    const connector = createMongoConnector({
      url: backend.url(database),
      excludeCollections: ['audit'],
      excludeCollectionsWithPrefix: ['tmp_'],
      readPreference: 'secondaryPreferred',
      gzip: true,
    });
    const dump = await dumpToBuffer(connector);
    expect(dump.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const target = uniqueName('bk_target');
    const restorer = createMongoConnector({
      url: backend.url(target),
      restoreCollections: ['users', 'notes'],
      nsExclude: ['*.notes'],
      rename: [{ from: '*.users', to: `${target}.people` }],
    });
    await restorer.restore(Readable.from([dump]));
    expect(Object.keys(await backend.snapshot(target))).toEqual(['people']);

    const [dumped, restored] = invocations();
    expect(dumped?.tool).toBe('mongodump');
    expect(dumped?.argv.slice(0, -1)).toEqual([
      '--archive',
      `--db=${database}`,
      '--excludeCollection=audit',
      '--excludeCollectionsWithPrefix=tmp_',
      '--readPreference=secondaryPreferred',
      '--gzip',
    ]);
    expect(restored?.tool).toBe('mongorestore');
    expect(restored?.argv.slice(0, -1)).toEqual([
      '--archive',
      '--gzip',
      '--drop',
      '--stopOnError',
      '--nsInclude=*.users',
      '--nsInclude=*.notes',
      '--nsExclude=*.notes',
      '--nsFrom=$db$.$collection$',
      `--nsTo=${target}.$collection$`,
      '--nsFrom=*.users',
      `--nsTo=${target}.people`,
    ]);
    for (const invocation of [dumped, restored]) {
      // bk's own descriptor of an unlinked file: nothing named on disk, even after a SIGKILL.
      expect(invocation?.argv.at(-1)).toMatch(new RegExp(`^--config=/proc/${process.pid}/fd/\\d+$`));
      expect(invocation?.configMode).toBe('600');
      const closed = await readlink(invocation!.configPath!).catch(() => 'closed');
      expect(closed, 'config file closed after the run').not.toMatch(/mongo-tools\.yaml/);
    }
    await backend.dropDatabase(database);
    await backend.dropDatabase(target);
  });

  it('drop: false keeps existing documents (mongorestore skips duplicate _ids) and stopOnError: false', async () => {
    const database = await seed();
    const connector = createMongoConnector({ url: backend.url(database), drop: false, stopOnError: false });
    const dump = await dumpToBuffer(connector);
    await backend.replace(database, 'users', [{ _id: 1, name: 'changed' }]);
    await connector.restore(Readable.from([dump]));
    const users = (await backend.snapshot(database)).users as Doc[];
    expect(users).toEqual([
      { _id: 1, name: 'changed' },
      { _id: 2, name: 'bob' },
    ]);
    expect(invocations().at(-1)?.argv).not.toContain('--drop');
    expect(invocations().at(-1)?.argv).not.toContain('--stopOnError');
    await backend.dropDatabase(database);
  });

  it('restores into the connector database whatever database the archive came from', async () => {
    const source = await seed();
    const copy = uniqueName('bk_copy');
    const dump = await dumpToBuffer(createMongoConnector(backend.url(source)));
    await createMongoConnector(backend.url(copy)).restore(Readable.from([dump]));
    expect(await backend.snapshot(copy)).toEqual(await backend.snapshot(source));
    await backend.dropDatabase(source);
    await backend.dropDatabase(copy);
  });
});

describe('failures', () => {
  it('a dump of an empty or missing database fails with MongoEmptyDumpError unless allowEmpty', async () => {
    const missing = uniqueName('bk_missing');
    const handle = createMongoConnector(backend.url(missing)).dump();
    handle.stream.resume();
    const error = await handle.done.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MongoEmptyDumpError);
    expect((error as MongoEmptyDumpError).code).toBe('BK_MONGO_EMPTY_DUMP');
    const allowed = await dumpToBuffer(createMongoConnector({ url: backend.url(missing), allowEmpty: true }));
    expect(readPrelude(allowed)?.collections).toBe(0);
  });

  it('an empty backup (0 bytes, a prelude with no collection, gzipped too) is refused before mongorestore runs', async () => {
    const database = await seed();
    const before = await backend.snapshot(database);
    const missing = uniqueName('bk_mongo_nothing');
    const empty = await dumpToBuffer(createMongoConnector({ url: backend.url(missing), allowEmpty: true }));
    for (const bytes of [Buffer.alloc(0), empty, gzipSync(empty)]) {
      const error = await createMongoConnector(backend.url(database))
        .restore(Readable.from([bytes]))
        .catch((caught: unknown) => caught);
      expect(error, String(error)).toBeInstanceOf(EmptyBackupError);
      expect((error as Error).message).toMatch(
        /^the backup is empty \((0 bytes|a mongodump archive whose prelude lists no collection)\)/,
      );
    }
    expect(invocations().filter((call) => call.tool === 'mongorestore')).toEqual([]);
    expect(await backend.snapshot(database)).toEqual(before);
    // With allowEmpty, an empty archive is a backup of an empty database: mongorestore gets it.
    await createMongoConnector({ url: backend.url(database), allowEmpty: true }).restore(
      Readable.from([empty]),
    );
    expect(invocations().filter((call) => call.tool === 'mongorestore')).toHaveLength(1);
    await backend.dropDatabase(database);
  });

  it('bad credentials: ProcessError exit 1 with the tool message, no password anywhere', async () => {
    const connector = createMongoConnector(
      backend.url('admin', { user: 'root', password: 'wr0ng-pass', authSource: 'admin' }),
    );
    const handle = connector.dump();
    handle.stream.resume();
    const error = (await handle.done.catch((caught: unknown) => caught)) as ProcessError;
    expect(error).toBeInstanceOf(ProcessError);
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(
      /^mongodump exited 1: .*Failed: can't create session: .*\(AuthenticationFailed\) Authentication failed\./,
    );
    expect(error.message).toContain('mongodb://root:***@127.0.0.1:27017/admin');
    for (const text of [error.message, error.stderrTail, JSON.stringify(error)]) {
      expect(text).not.toContain('wr0ng-pass');
      expect(text).not.toContain(backend.password);
    }
    await expect(connector.check()).rejects.toBeInstanceOf(ProcessError);
  });

  it('a dump that dies mid-stream rejects done with the signal', async () => {
    const database = await seed();
    process.env.BK_MONGO_STANDIN_FAIL_AT_BYTE = '150';
    try {
      const handle = createMongoConnector(backend.url(database)).dump();
      const chunks: Buffer[] = [];
      handle.stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      const error = (await handle.done.catch((caught: unknown) => caught)) as ProcessError;
      expect(error).toBeInstanceOf(ProcessError);
      expect(error.signal).toBe('SIGKILL');
      expect(Buffer.concat(chunks).length).toBeLessThanOrEqual(150);
    } finally {
      delete process.env.BK_MONGO_STANDIN_FAIL_AT_BYTE;
      await backend.dropDatabase(database);
    }
  });

  it('a truncated archive makes mongorestore fail (the target may be partly written: not atomic)', async () => {
    const database = await seed();
    const connector = createMongoConnector(backend.url(database));
    const dump = await dumpToBuffer(connector);
    const error = await connector
      .restore(Readable.from([dump.subarray(0, dump.length - 10)]))
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(ProcessError);
    expect((error as ProcessError).message).toMatch(
      /mongorestore exited 1: .*Failed: corruption found in archive/,
    );
    await backend.dropDatabase(database);
  });

  it('missing binaries become BinaryNotFoundError', async () => {
    const connector = createMongoConnector({
      url: backend.url('x'),
      mongodumpPath: '/nonexistent/mongodump',
    });
    const handle = connector.dump();
    await expect(handle.done).rejects.toBeInstanceOf(BinaryNotFoundError);
    await expect(connector.describe()).rejects.toBeInstanceOf(BinaryNotFoundError);
  });
});

describe('describe() and check()', () => {
  it('reports the tool version and the server version from the probe archive header', async () => {
    const database = await seed();
    const connector = new MongoConnector({ url: backend.url(database) });
    expect(await connector.describe()).toEqual({
      engine: 'mongodb',
      serverVersion: '7.0.14',
      toolVersion: 'mongodump 100.10.0',
      database,
    });
    await connector.check();
    const probe = invocations().find((invocation) =>
      invocation.argv.includes('--excludeCollectionsWithPrefix='),
    );
    expect(probe?.argv.slice(0, 3)).toEqual([
      '--archive',
      `--db=${database}`,
      '--excludeCollectionsWithPrefix=',
    ]);
    await backend.dropDatabase(database);
  });

  it('an unreachable server: describe() has no server version, check() fails with the tool error', async () => {
    const connector = createMongoConnector(
      `mongodb://root:${encodeURIComponent(backend.password)}@127.0.0.1:1/app`,
    );
    const description = await connector.describe();
    expect(description.serverVersion).toBeUndefined();
    expect(description.toolVersion).toBe('mongodump 100.10.0');
    const error = (await connector.check().catch((caught: unknown) => caught)) as ProcessError;
    expect(BkError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/server selection error/);
    expect(error.message).not.toContain(backend.password);
  });
});

describe('secrets', () => {
  it('no password or URL credentials in any spawned argv; the config file holds the URI', async () => {
    const database = await seed();
    const password = 'argv-s3cret:/@%';
    const credentials = await backend.scopedUser(database);
    const scoped = { ...credentials, password };
    const server = JSON.parse(readFileSync(join(backend.dir, 'server.json'), 'utf8'));
    for (const user of server.users) if (user.user === scoped.user) user.password = password;
    writeFileSync(join(backend.dir, 'server.json'), JSON.stringify(server));
    const connector = createMongoConnector({ url: backend.url(database, scoped), gzip: true });
    const watch = watchArgv([password, backend.url(database, scoped)]);
    try {
      await connector.check();
      await connector.describe();
      await connector.restore(Readable.from([await dumpToBuffer(connector)]));
    } finally {
      const report = await watch.stop();
      expect(report.leaks).toEqual([]);
      expect(report.commands.some((command) => command.includes('--archive'))).toBe(true);
    }
    expect(invocations().length).toBeGreaterThanOrEqual(3);
    await backend.dropDatabase(database);
  });
});
