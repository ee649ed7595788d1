import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A document of the test data: `_id` plus a few fields. */
export type Doc = { _id: number } & Record<string, unknown>;

/**
 * What the tests need from a MongoDB server: seed, read and change data. Two implementations:
 * the stand-in (JSON files read by the stand-in tools) and a real server (BK_TEST_MONGO_URL).
 */
export interface Backend {
  /** Root connection URL (with password) for connectors; the database path is appended. */
  url(database: string, credentials?: { user: string; password: string; authSource: string }): string;
  /** The root password, for the argv and message checks. */
  password: string;
  insert(database: string, collection: string, documents: Doc[]): Promise<void>;
  snapshot(database: string): Promise<Record<string, Doc[]>>;
  replace(database: string, collection: string, documents: Doc[]): Promise<void>;
  dropCollection(database: string, collection: string): Promise<void>;
  dropDatabase(database: string): Promise<void>;
  /** Creates a user with readWrite on `database` only. */
  scopedUser(database: string): Promise<{ user: string; password: string; authSource: string }>;
  close(): Promise<void>;
}

export const STANDIN_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'bin');
const ROOT_PASSWORD = 'r00t:p@ss/w%rd';

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** The stand-in server: sets PATH and BK_MONGO_STANDIN_DIR for this test process. */
export function createStandinBackend(): Backend & { dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bk-mongo-standin-'));
  const users = [{ user: 'root', password: ROOT_PASSWORD, db: 'admin', roles: [{ role: 'root' }] }];
  const save = () =>
    writeFileSync(
      join(dir, 'server.json'),
      JSON.stringify({ version: '7.0.14', host: '127.0.0.1', port: 27017, auth: true, users }),
    );
  save();
  process.env.BK_MONGO_STANDIN_DIR = dir;
  process.env.PATH = `${STANDIN_BIN}:${process.env.PATH}`;
  const dbDir = (database: string) => join(dir, 'data', database);
  const write = (database: string, collection: string, documents: Doc[]) => {
    mkdirSync(dbDir(database), { recursive: true });
    writeFileSync(join(dbDir(database), `${collection}.json`), JSON.stringify(documents));
  };
  return {
    dir,
    password: ROOT_PASSWORD,
    url: (database, credentials) => {
      const { user, password, authSource } = credentials ?? {
        user: 'root',
        password: ROOT_PASSWORD,
        authSource: 'admin',
      };
      return `mongodb://${user}:${encodeURIComponent(password)}@127.0.0.1:27017/${database}?authSource=${authSource}`;
    },
    insert: async (database, collection, documents) => write(database, collection, documents),
    replace: async (database, collection, documents) => write(database, collection, documents),
    snapshot: async (database) => {
      const result: Record<string, Doc[]> = {};
      let files: string[] = [];
      try {
        files = readdirSync(dbDir(database)).filter((name) => name.endsWith('.json'));
      } catch {
        return result;
      }
      for (const file of files.sort()) {
        const documents = JSON.parse(readFileSync(join(dbDir(database), file), 'utf8')) as Doc[];
        result[file.slice(0, -5)] = documents.sort((a, b) => a._id - b._id);
      }
      return result;
    },
    dropCollection: async (database, collection) => {
      rmSync(join(dbDir(database), `${collection}.json`), { force: true });
    },
    dropDatabase: async (database) => rmSync(dbDir(database), { recursive: true, force: true }),
    scopedUser: async (database) => {
      const user = {
        user: uniqueName('scoped'),
        password: 'sc0ped-secret',
        db: 'admin',
        roles: [{ role: 'readWrite', db: database }],
      };
      users.push(user);
      save();
      return { user: user.user, password: user.password, authSource: 'admin' };
    },
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A real server at BK_TEST_MONGO_URL (a root user), driven with the `mongodb` npm driver, which
 * must then be installed: `pnpm add -D mongodb --filter @bk/connector-mongo`. The real mongodump
 * and mongorestore must be on PATH. NOT RUN in this repository's CI: no MongoDB can be installed here.
 */
export async function createRealBackend(rootUrl: string): Promise<Backend> {
  const driver = 'mongodb';
  // biome-ignore lint/suspicious/noExplicitAny: optional dependency, loaded only in real mode
  const { MongoClient } = (await import(driver)) as any;
  const client = new MongoClient(rootUrl);
  await client.connect();
  const parsed = new URL(rootUrl.replace(/^mongodb(\+srv)?:/, 'http:'));
  const password = decodeURIComponent(parsed.password);
  const base = rootUrl.replace(/\/[^/?]*(\?|$)/, '/$1');
  return {
    password,
    url: (database, credentials) => {
      if (!credentials) return base.replace(/\/(\?|$)/, `/${database}$1`);
      const url = new URL(base.replace(/^mongodb(\+srv)?:/, 'http:'));
      url.username = encodeURIComponent(credentials.user);
      url.password = encodeURIComponent(credentials.password);
      url.pathname = `/${database}`;
      url.searchParams.set('authSource', credentials.authSource);
      return url
        .toString()
        .replace(/^http:/, rootUrl.startsWith('mongodb+srv:') ? 'mongodb+srv:' : 'mongodb:');
    },
    insert: async (database, collection, documents) => {
      await client.db(database).collection(collection).insertMany(documents);
    },
    replace: async (database, collection, documents) => {
      await client.db(database).collection(collection).deleteMany({});
      if (documents.length > 0) await client.db(database).collection(collection).insertMany(documents);
    },
    snapshot: async (database) => {
      const result: Record<string, Doc[]> = {};
      const collections = await client.db(database).listCollections({}, { nameOnly: true }).toArray();
      for (const { name } of collections.sort((a: { name: string }, b: { name: string }) =>
        a.name.localeCompare(b.name),
      )) {
        result[name] = await client.db(database).collection(name).find().sort({ _id: 1 }).toArray();
      }
      return result;
    },
    dropCollection: async (database, collection) => {
      await client
        .db(database)
        .collection(collection)
        .drop()
        .catch(() => {});
    },
    dropDatabase: async (database) => {
      await client.db(database).dropDatabase();
    },
    scopedUser: async (database) => {
      const user = uniqueName('bk_scoped');
      const secret = randomBytes(12).toString('hex');
      await client
        .db('admin')
        .command({ createUser: user, pwd: secret, roles: [{ role: 'readWrite', db: database }] });
      return { user, password: secret, authSource: 'admin' };
    },
    close: async () => client.close(),
  };
}

/** The stand-in, or the real server when BK_TEST_MONGO_URL is set. */
export async function createBackend(): Promise<Backend> {
  const url = process.env.BK_TEST_MONGO_URL;
  return url ? createRealBackend(url) : createStandinBackend();
}

/** True when the tests run against the stand-ins (the only mode this repository's CI runs). */
export const STANDIN = !process.env.BK_TEST_MONGO_URL;
