import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { PassThrough, Readable } from 'node:stream';
import { createSqliteConnector } from '@bk/connector-sqlite';
import {
  type BackupInfo,
  backupDatabase,
  type Connector,
  createStorage,
  listBackups,
  ProcessError,
  type RcloneStorage,
  restoreDatabase,
  serializeManifest,
  verifyBackup,
} from '@bk/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bk, filesUnder, tempDir, writeConfig } from './helpers.js';
import { type LoopbackServers, type MatrixRemote, startLoopbackServers } from './loopback-servers.js';

// Round trips, atomicity and tamper detection of bk over real rclone remotes on loopback: local,
// crypt and compress over local, sftp and WebDAV (`rclone serve`), S3 (s3rver) and FTP (ftp-srv).

let servers: LoopbackServers;
let work: string;

beforeAll(async () => {
  work = await tempDir('bk-matrix-');
  servers = await startLoopbackServers(join(work, 'servers'));
}, 60_000);
afterAll(async () => {
  await servers?.stop();
});

/** A SQLite database of a few thousand rows, blobs included (a dump of ~520 KB). */
function createDatabase(file: string, rows = 1500): void {
  const db = new DatabaseSync(file);
  db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, data BLOB, n REAL)');
  db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
  const insert = db.prepare('INSERT INTO items (name, data, n) VALUES (?, ?, ?)');
  db.exec('BEGIN');
  for (let index = 0; index < rows; index += 1) {
    insert.run(`item ${index} 'quoted' ünïcode`, randomBytes(64 + (index % 200)), index / 7);
  }
  db.prepare('INSERT INTO notes (body) VALUES (?)').run('a note\nwith a newline');
  db.exec('COMMIT');
  db.close();
}

function rowsOf(file: string): unknown {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return {
      items: db.prepare('SELECT * FROM items ORDER BY id').all(),
      notes: db.prepare('SELECT * FROM notes ORDER BY id').all(),
    };
  } finally {
    db.close();
  }
}

function storageFor(remote: MatrixRemote): RcloneStorage {
  return createStorage(remote.remote, { rclone: { env: remote.env } });
}

/**
 * A real SQLite connector whose dump dies at byte `cutAt`: the stream ends cleanly after that byte
 * (EOF is EOF to `rclone rcat`) and `done` rejects as a killed sqlite3 would.
 */
function cutConnector(inner: Connector, cutAt: number): Connector {
  return {
    specificationVersion: 'v1',
    id: inner.id,
    extension: inner.extension,
    capabilities: inner.capabilities,
    target: inner.target,
    secrets: inner.secrets,
    describe: (options) => inner.describe(options),
    check: (options) => inner.check(options),
    restore: (input, options) => inner.restore(input, options),
    dump(options) {
      const controller = new AbortController();
      options?.signal?.addEventListener('abort', () => controller.abort(options.signal?.reason));
      const real = inner.dump({ signal: controller.signal });
      const out = new PassThrough();
      let seen = 0;
      real.stream.on('data', (chunk: Buffer) => {
        if (seen >= cutAt) return;
        const keep = chunk.subarray(0, cutAt - seen);
        seen += keep.length;
        out.write(keep);
        if (seen >= cutAt) {
          controller.abort(new Error('cut'));
          out.end();
        }
      });
      real.stream.on('end', () => out.end());
      const done = real.done.then(
        () => {
          if (seen >= cutAt) throw killed();
        },
        () => {
          throw killed();
        },
      );
      done.catch(() => {});
      return { stream: out, done };
    },
  };
}

function killed(): ProcessError {
  return new ProcessError({
    process: 'sqlite3',
    exitCode: undefined,
    signal: 'SIGKILL',
    stderrTail: '',
    context: 'dump (cut by the storage matrix)',
  });
}

/** Every object under `db/` as rclone sees it (paths relative to `db/`). */
async function objectsUnderDb(storage: RcloneStorage): Promise<string[]> {
  const entries = await storage.list('db', { recursive: true });
  return entries
    .filter((entry) => !entry.isDir)
    .map((entry) => entry.path)
    .sort();
}

/** A target SQLite file with its own content, and a snapshot of its directory. */
async function existingTarget(dir: string) {
  const file = join(dir, 'target.db');
  const db = new DatabaseSync(file);
  db.exec("CREATE TABLE live (x); INSERT INTO live VALUES ('unchanged')");
  db.close();
  const bytes = await readFile(file);
  const listing = await readdir(dir);
  return {
    file,
    async expectUnchanged() {
      expect(await readFile(file)).toEqual(bytes);
      expect(await readdir(dir)).toEqual(listing);
    },
  };
}

const timings: string[] = [];
afterAll(() => {
  if (timings.length > 0) console.info(`storage matrix timings:\n${timings.join('\n')}`);
});

describe.each(['local', 'crypt over local', 'compress over local', 'sftp', 'webdav', 's3', 'ftp'])(
  'storage matrix: %s',
  (label) => {
    let remote: MatrixRemote;
    let storage: RcloneStorage;
    let dir: string;
    let source: string;
    let first: BackupInfo;
    let started = 0;

    beforeAll(async () => {
      started = Date.now();
      remote = servers.remotes.find((candidate) => candidate.label === label)!;
      storage = storageFor(remote);
      dir = await tempDir('bk-matrix-db-');
      source = join(dir, 'source.db');
      createDatabase(source);
    });
    afterAll(() => {
      timings.push(`  ${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });

    it('backs up a real SQLite database, lists it, and restores identical rows into a new file', async () => {
      const connector = createSqliteConnector({ path: source });
      const { backup } = await backupDatabase({ storage, connector, database: 'app' });
      expect(backup.bytes).toBeGreaterThan(200_000);
      const listed = await listBackups({ storage });
      expect(listed.map((item) => item.name)).toEqual([backup.name]);
      expect(listed[0]).toMatchObject({ bytes: backup.bytes, sha256: backup.sha256, connector: 'sqlite' });
      expect(await objectsUnderDb(storage)).toEqual([backup.name, `${backup.name}.json`].sort());

      const restored = join(dir, 'restored.db');
      const result = await restoreDatabase({
        storage,
        connector: createSqliteConnector({ path: restored }),
        database: 'app',
      });
      expect(result.bytes).toBe(backup.bytes);
      expect(rowsOf(restored)).toEqual(rowsOf(source));
      first = backup;
    });

    it('a dump killed mid-stream leaves nothing listed and nothing outside db/.partial/; the earlier backup still restores', async () => {
      expect(first).toBeDefined();
      const cutAt = Math.floor(first.bytes * (0.2 + Math.random() * 0.6));
      const connector = cutConnector(createSqliteConnector({ path: source }), cutAt);
      const failure = await backupDatabase({ storage, connector, database: 'app' }).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(failure, `dump cut at byte ${cutAt}`).toBeInstanceOf(Error);
      expect(failure?.message).toMatch(/sqlite3 was killed by SIGKILL/);

      expect((await listBackups({ storage })).map((item) => item.name)).toEqual([first.name]);
      const outside = (await objectsUnderDb(storage)).filter((path) => !path.startsWith('.partial/'));
      expect(outside).toEqual([first.name, `${first.name}.json`].sort());

      const restored = join(dir, 'restored-after-fault.db');
      await restoreDatabase({
        storage,
        connector: createSqliteConnector({ path: restored }),
        database: 'app',
      });
      expect(rowsOf(restored)).toEqual(rowsOf(source));
    });

    it('a tampered object of the same size is refused with IntegrityError and the target is unchanged', async () => {
      expect(first).toBeDefined();
      const original = await storage.read(first.path);
      const tampered = Buffer.from(original);
      const at = Math.floor(tampered.length / 2);
      tampered[at] = tampered[at] === 0x41 ? 0x42 : 0x41;
      await storage.rclone.rcat(storage.remotePath(first.path), Readable.from([tampered]));
      const [entry] = (await storage.list('db')).filter((item) => item.name === first.name);
      expect(entry?.size).toBe(first.bytes);

      const target = await existingTarget(await tempDir('bk-matrix-target-'));
      const refused = await restoreDatabase({
        storage,
        connector: createSqliteConnector({ path: target.file }),
        database: 'app',
      }).then(
        () => undefined,
        (error: unknown) => error as { name?: string; code?: string; message?: string },
      );
      expect(refused?.name, refused?.message).toBe('IntegrityError');
      expect(refused?.code).toBe('BK_INTEGRITY');
      expect(refused?.message).toMatch(/sha256/);
      await target.expectUnchanged();
      await expect(verifyBackup({ storage, backup: first })).rejects.toMatchObject({ code: 'BK_INTEGRITY' });
    });
  },
);

describe('storage matrix: crypt truncated at a 64 KiB block boundary', () => {
  const BLOCK = 64 * 1024;
  const HEADER = 32;
  const OVERHEAD = 16;

  /** Backs up, then cuts the underlying encrypted object so the plaintext loses whole 64 KiB blocks. */
  async function truncatedBackup() {
    const crypt = servers.remotes.find((candidate) => candidate.label === 'crypt over local')!;
    // Its own underlying directory: the object is then the only file of its encrypted size.
    const remote = { ...crypt, root: await tempDir('bk-matrix-crypt-raw-') };
    remote.env = { ...crypt.env, RCLONE_CONFIG_BKCRYPT_REMOTE: remote.root };
    const storage = storageFor(remote);
    const dir = await tempDir('bk-matrix-crypt-');
    const source = join(dir, 'source.db');
    createDatabase(source);
    const database = `trunc${Math.random().toString(36).slice(2, 8)}`;
    const { backup } = await backupDatabase({
      storage,
      connector: createSqliteConnector({ path: source }),
      database,
    });
    const blocks = Math.ceil(backup.bytes / BLOCK);
    const encrypted = HEADER + blocks * OVERHEAD + backup.bytes;
    // The backup's object is the only file of exactly that size under the crypt remote's directory.
    const candidates: string[] = [];
    for (const path of await filesUnder(remote.root)) {
      if ((await stat(join(remote.root, path))).size === encrypted) candidates.push(path);
    }
    expect(candidates).toHaveLength(1);
    const keptBlocks = Math.floor(backup.bytes / BLOCK) - 1;
    expect(keptBlocks).toBeGreaterThan(0);
    await truncate(join(remote.root, candidates[0]!), HEADER + keptBlocks * (BLOCK + OVERHEAD));
    const truncatedBytes = keptBlocks * BLOCK;
    // crypt itself sees nothing wrong: the object lists and reads at the shorter size, exit 0.
    const [entry] = (await storage.list('db')).filter((item) => item.name === backup.name);
    expect(entry?.size).toBe(truncatedBytes);
    expect((await storage.read(backup.path)).length).toBe(truncatedBytes);
    return { storage, backup, database, truncatedBytes };
  }

  let truncated: Awaited<ReturnType<typeof truncatedBackup>>;
  beforeAll(async () => {
    truncated = await truncatedBackup();
  });

  it('is refused by its size (listing hides it, restore fails with IntegrityError, target unchanged)', async () => {
    const { storage, database } = truncated;
    expect((await listBackups({ storage, database })).map((item) => item.name)).toEqual([]);
    const target = await existingTarget(await tempDir('bk-matrix-target-'));
    await expect(
      restoreDatabase({ storage, connector: createSqliteConnector({ path: target.file }), database }),
    ).rejects.toMatchObject({
      name: 'IntegrityError',
      code: 'BK_INTEGRITY',
      message: expect.stringMatching(/size/),
    });
    await target.expectUnchanged();
  });

  it('with its manifest size fixed too, only the sha256 catches it, and the target is unchanged', async () => {
    const { storage, backup, database, truncatedBytes } = truncated;
    const manifest = JSON.parse((await storage.read(backup.manifestPath)).toString('utf8'));
    await storage.write(backup.manifestPath, serializeManifest({ ...manifest, bytes: truncatedBytes }));
    const [listed] = await listBackups({ storage, database });
    expect(listed).toMatchObject({ name: backup.name, bytes: truncatedBytes });

    const target = await existingTarget(await tempDir('bk-matrix-target-'));
    await expect(
      restoreDatabase({ storage, connector: createSqliteConnector({ path: target.file }), database }),
    ).rejects.toMatchObject({
      name: 'IntegrityError',
      code: 'BK_INTEGRITY',
      message: expect.stringMatching(/sha256/),
    });
    await target.expectUnchanged();
    await expect(verifyBackup({ storage, backup: listed! })).rejects.toMatchObject({ code: 'BK_INTEGRITY' });
  });
});

describe('storage matrix: the CLI with an sftp remote defined in bk.config.json', () => {
  it('bk dbbackup, listbackups and dbrestore through rclone env from the config', async () => {
    const { sftp } = servers;
    const dir = await tempDir('bk-matrix-cli-');
    const file = join(dir, 'app.db');
    createDatabase(file, 300);
    await writeConfig(dir, {
      remote: 'bkcli:cli',
      rclone: {
        env: {
          RCLONE_CONFIG_BKCLI_TYPE: 'sftp',
          RCLONE_CONFIG_BKCLI_HOST: sftp.host,
          RCLONE_CONFIG_BKCLI_PORT: String(sftp.port),
          RCLONE_CONFIG_BKCLI_USER: sftp.user,
          // biome-ignore lint/suspicious/noTemplateCurlyInString: bk interpolates ${VAR} when it loads the config
          RCLONE_CONFIG_BKCLI_PASS: '${BK_MATRIX_SFTP_PASS}',
        },
      },
      databases: { default: 'sqlite:./app.db' },
    });
    const env = { BK_MATRIX_SFTP_PASS: sftp.obscured };
    const backup = await bk(dir, ['dbbackup'], { env });
    expect(backup.stderr).toBe('');
    expect(backup.exitCode).toBe(0);
    const stored = await filesUnder(join(sftp.root, 'cli'));
    expect(stored).toHaveLength(2);
    expect(stored[0]).toMatch(/^db\/default-\d{4}-\d\d-\d\d-\d{6}\.sqlite\.sql$/);
    expect(stored[1]).toBe(`${stored[0]}.json`);

    const listed = await bk(dir, ['listbackups', '--json'], { env });
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { path: string }[]).map((item) => item.path)).toEqual([stored[0]]);

    const before = rowsOf(file);
    const db = new DatabaseSync(file);
    db.exec('DELETE FROM items WHERE id % 2 = 0');
    db.close();
    const restore = await bk(dir, ['dbrestore', '--noinput'], { env });
    expect(restore.exitCode, restore.stderr).toBe(0);
    expect(rowsOf(file)).toEqual(before);
    // The password never reaches argv or output.
    expect(`${backup.stdout}${listed.stdout}${restore.stdout}${restore.stderr}`).not.toContain(sftp.pass);
  });
});
