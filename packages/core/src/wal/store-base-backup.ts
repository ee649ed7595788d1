import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { streamDump } from '../backup/stream-dump.js';
import type { ConnectorDescription, DumpHandle } from '../contracts/connector.js';
import type { Storage } from '../contracts/storage.js';
import { IntegrityError } from '../errors/integrity-error.js';
import { throwIfAborted } from '../layout/abort.js';
import { BK_VERSION } from '../manifest/version.js';
import { pickFreeName } from '../naming/free-name.js';
import { formatTimestamp } from '../naming/timestamp.js';
import { deleteQuietly } from './read-json-object.js';
import type { BaseBackupManifest, BaseBackupWal } from './wal-manifest.js';
import { baseBackupDir, validateWalDatabase, walPartialDir } from './wal-paths.js';

/** Options of {@link storeBaseBackup}. */
export interface StoreBaseBackupOptions {
  storage: Storage;
  /** Database alias: the backup goes to `wal/<database>/base/`. */
  database: string;
  /** Connector id recorded in the manifest (`pg`). */
  connector: string;
  /** Versions recorded in the manifest. */
  description: ConnectorDescription;
  /**
   * Starts the base backup. Its `wal` promise settles after `done` with where the backup sits in
   * the WAL (read from the backup itself).
   */
  start: (options: { signal: AbortSignal }) => DumpHandle & { wal: Promise<BaseBackupWal> };
  /** @default 'tar' */
  extension?: string;
  /** @default os.hostname() */
  host?: string;
  /** @default () => new Date() */
  now?: () => Date;
  signal?: AbortSignal;
}

/**
 * Stores a physical base backup with the guarantees of every bk backup: the stream is hashed on the
 * way into `wal/<database>/.partial/`, the tool's exit and the upload are both checked, the stored
 * size is compared, the object is moved to `wal/<database>/base/<name>` and its manifest (with the
 * WAL positions) is written last. A failure at any byte leaves no manifest and nothing outside
 * `.partial/`.
 */
export async function storeBaseBackup(options: StoreBaseBackupOptions): Promise<BaseBackupManifest> {
  const { storage, database, signal } = options;
  validateWalDatabase(database);
  const now = options.now ?? (() => new Date());
  const extension = options.extension ?? 'tar';
  const dir = baseBackupDir(database);
  const taken = new Set((await storage.list(dir, { signal })).map((entry) => entry.name));
  const startedAt = now();
  const name = pickFreeName(`${database}-${formatTimestamp(startedAt)}.${extension}`, taken, extension);
  const token = randomBytes(6).toString('hex');
  const stagingPath = `${walPartialDir(database)}/${name}.${token}`;
  const manifestStaging = `${stagingPath}.json`;
  const objectPath = `${dir}/${name}`;
  let wal: Promise<BaseBackupWal> | undefined;
  let moved = false;
  try {
    const streamed = await streamDump({
      connector: {
        dump: (dumpOptions) => {
          const handle = options.start({ signal: dumpOptions?.signal ?? new AbortController().signal });
          wal = handle.wal;
          wal.catch(() => {});
          return handle;
        },
      },
      storage,
      stagingPath,
      database,
      ...(signal ? { signal } : {}),
    });
    const position = await wal!;
    const staged = (await storage.list(walPartialDir(database), { signal })).find(
      (entry) => entry.name === stagingPath.slice(stagingPath.lastIndexOf('/') + 1),
    );
    if (staged?.size !== streamed.bytes) {
      throw new IntegrityError(
        stagingPath,
        streamed,
        { bytes: staged?.size ?? -1, sha256: '' },
        {
          hint: 'the remote stored a different size than was uploaded: check its free space and retry',
        },
      );
    }
    throwIfAborted(signal, `base backup of "${database}"`);
    await storage.move(stagingPath, objectPath, { signal });
    moved = true;
    const manifest: BaseBackupManifest = {
      formatVersion: 1,
      kind: 'base-backup',
      database,
      connector: options.connector,
      engine: options.description.engine,
      serverVersion: options.description.serverVersion,
      toolVersion: options.description.toolVersion,
      name,
      path: objectPath,
      bytes: streamed.bytes,
      sha256: streamed.sha256,
      startedAt: startedAt.toISOString(),
      finishedAt: now().toISOString(),
      host: options.host ?? hostname(),
      bkVersion: BK_VERSION,
      wal: position,
    };
    await storage.write(manifestStaging, `${JSON.stringify(manifest)}\n`, { signal });
    throwIfAborted(signal, `base backup of "${database}"`);
    await storage.move(manifestStaging, `${objectPath}.json`, { signal });
    return manifest;
  } catch (error) {
    await deleteQuietly(storage, manifestStaging);
    await deleteQuietly(storage, stagingPath);
    if (moved) await deleteQuietly(storage, objectPath);
    throw error;
  }
}
