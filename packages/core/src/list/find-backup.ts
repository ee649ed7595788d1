import type { Storage } from '../contracts/storage.js';
import { BackupNotFoundError } from '../errors/backup-not-found-error.js';
import { ConfigError } from '../errors/config-error.js';
import { DB_DIR, MANIFEST_SUFFIX, manifestPathOf } from '../layout/paths.js';
import type { BackupInfo } from '../manifest/types.js';
import { validateInputPath } from '../naming/input-path.js';
import { damagedBackupError, listBackups } from './list-backups.js';
import { readManifests } from './read-manifests.js';

/** Options of {@link findBackup}. */
export interface FindBackupOptions {
  /** Where the backups are. */
  storage: Storage;
  /** Database alias the backup must belong to. */
  database: string;
  /**
   * A backup name (`default-2026-11-22-033000.pgdump`) or its path (`db/default-...`).
   * @default the latest complete backup of `database`
   */
  inputPath?: string;
  signal?: AbortSignal;
}

/**
 * Finds one complete backup: the latest of `database` (by `startedAt`, never one dated in the
 * future: see `futureDating`), or the one named by
 * `inputPath`, which must have a valid manifest and an object of the recorded size.
 *
 * @throws {@link ConfigError} for an unsafe `inputPath` or a backup of another database;
 * {@link BackupNotFoundError} when there is no such backup; `IntegrityError` when its manifest
 * exists but its object is missing or has another size (the latest one included: bk never falls
 * back to an older backup silently).
 */
export async function findBackup(options: FindBackupOptions): Promise<BackupInfo> {
  const { storage, database, signal } = options;
  if (options.inputPath === undefined) {
    // The newest manifest decides: a damaged newest backup is an error, never a silent fall-back
    // to an older one.
    const [latest] = await listBackups({ storage, database, signal, includeDamaged: true });
    if (!latest) throw new BackupNotFoundError(`no complete backup of "${database}" in ${storage.location}`);
    if (latest.damaged) throw damagedBackupError(latest);
    // Future-dated backups are listed last: the first one is future only when every one is.
    if (latest.future) {
      throw new BackupNotFoundError(
        `no backup of "${database}" in ${storage.location} can be trusted as the latest: ${latest.name} is ${latest.future.reason}`,
        { hint: `check the clocks of the hosts that back up; to restore it anyway, pass -i ${latest.name}` },
      );
    }
    return latest;
  }
  const path = validateInputPath(options.inputPath);
  const name = path.startsWith(`${DB_DIR}/`) ? path.slice(DB_DIR.length + 1) : path;
  if (name.includes('/') || name.endsWith(MANIFEST_SUFFIX)) {
    throw new ConfigError(`input path ${JSON.stringify(options.inputPath)} does not name a backup`, {
      key: '--input-path',
      hint: 'give a backup name as shown by bk listbackups',
    });
  }
  const entries = (await storage.list(DB_DIR, { signal })).filter(
    (entry) => !entry.isDir && (entry.name === name || entry.name === `${name}${MANIFEST_SUFFIX}`),
  );
  const manifest = (await readManifests(storage, entries, signal)).get(`${name}${MANIFEST_SUFFIX}`);
  const object = entries.find((entry) => entry.name === name);
  if (!manifest) {
    throw new BackupNotFoundError(`no complete backup named ${JSON.stringify(path)} in ${storage.location}`);
  }
  if (!object || object.size !== manifest.bytes) {
    throw damagedBackupError({
      ...manifest,
      manifestPath: manifestPathOf(name),
      damaged: { reason: object ? 'size' : 'missing', storedBytes: object?.size },
    });
  }
  if (manifest.database !== database) {
    throw new ConfigError(`backup ${name} belongs to database "${manifest.database}", not "${database}"`, {
      key: '--input-path',
      hint: `pick a backup of "${database}" (bk listbackups -d ${database}) or pass -d ${manifest.database}`,
    });
  }
  return { ...manifest, manifestPath: manifestPathOf(name) };
}
