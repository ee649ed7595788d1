import type { Storage } from '../contracts/storage.js';
import { IntegrityError } from '../errors/integrity-error.js';
import { DB_DIR, MANIFEST_SUFFIX, manifestPathOf } from '../layout/paths.js';
import type { BackupInfo } from '../manifest/types.js';
import { futureDating } from '../time/clock-skew.js';
import { readManifests } from './read-manifests.js';

/** Options of {@link listBackups}. */
export interface ListBackupsOptions {
  /** Where the backups are. */
  storage: Storage;
  /** Only backups of this database alias. @default every database */
  database?: string;
  /**
   * Also return backups whose manifest exists but whose object is missing or has another size,
   * marked with `damaged` (for `bk verify` and for refusing a damaged "latest").
   * @default false
   */
  includeDamaged?: boolean;
  /** This host's clock, to flag manifests dated in the future. @default () => new Date() */
  now?: () => Date;
  signal?: AbortSignal;
}

/** Orders backups newest first by the manifest's `startedAt` (never modification times). */
export function compareBackups(a: BackupInfo, b: BackupInfo): number {
  return (
    Date.parse(b.startedAt) - Date.parse(a.startedAt) ||
    Date.parse(b.finishedAt) - Date.parse(a.finishedAt) ||
    (a.name < b.name ? 1 : a.name > b.name ? -1 : 0)
  );
}

/**
 * Orders a listing: backups with trustworthy dates newest first ({@link compareBackups}), then
 * those flagged `future`, so the first element is never a future-dated backup while another exists.
 */
export function compareListed(a: BackupInfo, b: BackupInfo): number {
  return Number(a.future !== undefined) - Number(b.future !== undefined) || compareBackups(a, b);
}

/**
 * Lists complete backups, newest first by `startedAt`; backups whose manifest is dated in the future
 * (beyond this host's clock or the remote's modification time of the manifest, see
 * `futureDating`) are flagged `future` and listed after all the others. A backup is an object in `db/` with a valid
 * manifest next to it whose size matches the object's: objects without a manifest, malformed
 * manifests, manifests whose object is missing or has another size, and anything in
 * `db/.partial/` are never listed (unless `includeDamaged`, which marks damaged ones). Costs one `lsjson` and one `rclone cat` on an `RcloneStorage`.
 */
export async function listBackups(options: ListBackupsOptions): Promise<BackupInfo[]> {
  const { storage, database, signal } = options;
  const entries = (await storage.list(DB_DIR, { signal })).filter((entry) => !entry.isDir);
  const sizes = new Map(entries.map((entry) => [entry.name, entry.size]));
  const writtenAt = new Map(entries.map((entry) => [entry.name, entry.modTime]));
  const now = (options.now ?? (() => new Date()))().getTime();
  const manifests = await readManifests(storage, entries, signal);
  const backups: BackupInfo[] = [];
  for (const manifest of manifests.values()) {
    if (database !== undefined && manifest.database !== database) continue;
    const storedBytes = sizes.get(manifest.name);
    const info: BackupInfo = { ...manifest, manifestPath: manifestPathOf(manifest.name) };
    const written = writtenAt.get(`${manifest.name}${MANIFEST_SUFFIX}`);
    if (written) info.writtenAt = written;
    const reason = futureDating(manifest, { now, writtenAt: written });
    if (reason) info.future = { reason };
    if (storedBytes !== manifest.bytes) {
      if (!options.includeDamaged) continue;
      info.damaged = { reason: storedBytes === undefined ? 'missing' : 'size', storedBytes };
    }
    backups.push(info);
  }
  return backups.sort(compareListed);
}

/**
 * The error for a backup whose manifest exists but whose object is missing or has another size:
 * an {@link IntegrityError} naming it, with a hint to pick an earlier backup.
 */
export function damagedBackupError(backup: BackupInfo): IntegrityError {
  const storedBytes = backup.damaged?.reason === 'missing' ? -1 : (backup.damaged?.storedBytes ?? -1);
  return new IntegrityError(
    backup.path,
    { bytes: backup.bytes, sha256: backup.sha256 },
    { bytes: storedBytes, sha256: '' },
    {
      hint: `restore an earlier backup with -i NAME (bk listbackups -d ${backup.database}) and run bk verify --all`,
    },
  );
}
