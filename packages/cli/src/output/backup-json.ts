import type { BackupInfo } from '@bk/core';

/** One backup as `bk listbackups --json` and the `--json` results show it. */
export interface BackupJson {
  /** Database alias. */
  database: string;
  /** Object name. */
  name: string;
  /** Object path relative to the remote. */
  path: string;
  /** Size in bytes. */
  size: number;
  /** When the dump started (ISO 8601 UTC). */
  createdAt: string;
  /** Hex sha256 of the object. */
  sha256: string;
  /** Connector id. */
  connector: string;
  /** Present (`true`) when the manifest is dated in the future: never "latest", kept by retention. */
  future?: true;
  /** Why it is flagged, when `future` is set. */
  warning?: string;
}

/** Maps a listed backup to its JSON shape. */
export function backupJson(backup: BackupInfo): BackupJson {
  return {
    database: backup.database,
    name: backup.name,
    path: backup.path,
    size: backup.bytes,
    createdAt: backup.startedAt,
    sha256: backup.sha256,
    connector: backup.connector,
    ...(backup.future ? { future: true as const, warning: backup.future.reason } : {}),
  };
}
