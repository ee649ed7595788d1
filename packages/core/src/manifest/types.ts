/**
 * The manifest written next to every backup (`<name>.json`), last, after the object is in place.
 * No manifest means no backup. Listing, "latest" and retention read manifests only.
 */
export interface BackupManifest {
  /** Manifest format version. */
  formatVersion: 1;
  /** The database alias from the config (`default`). */
  database: string;
  /** Connector id (`pg`, `mysql`, `sqlite`, `mongo`). */
  connector: string;
  /** Engine reported by the connector. */
  engine: string;
  /** Server version at backup time, when known. */
  serverVersion: string | undefined;
  /** Dump tool and version. */
  toolVersion: string;
  /** Object name (`default-2026-11-22-033000.pgdump`). */
  name: string;
  /** Object path relative to the remote base (`db/default-2026-11-22-033000.pgdump`). */
  path: string;
  /** Exact size of the stored object in bytes. */
  bytes: number;
  /** Hex sha256 of the stored object, computed while streaming. */
  sha256: string;
  /** ISO 8601 UTC time the dump started. Backups are ordered by this. */
  startedAt: string;
  /** ISO 8601 UTC time the object was committed. */
  finishedAt: string;
  /** Host name that made the backup. */
  host: string;
  /** Version of `@bk/core` that wrote it. */
  bkVersion: string;
  /** Per-table row counts at backup time, when the connector can count them. */
  rowCounts?: Record<string, number>;
}

/**
 * Why a backup that has a manifest cannot be used: its object is gone, or the stored object has
 * another size than the manifest records (truncated, replaced or tampered with on the remote).
 */
export interface BackupDamage {
  /** `missing`: no object next to the manifest; `size`: the object's size differs from the manifest's. */
  reason: 'missing' | 'size';
  /** Size of the object on the remote, when there is one. */
  storedBytes: number | undefined;
}

/** A backup as listed: its manifest plus where the manifest lives. */
export interface BackupInfo extends BackupManifest {
  /** Manifest path relative to the remote base (`db/<name>.json`). */
  manifestPath: string;
  /**
   * Set only when listing with `includeDamaged`: the backup's manifest exists but its object does
   * not match it. Such a backup is never restored, never counted by retention and never "latest".
   */
  damaged?: BackupDamage;
  /**
   * When the remote last wrote the manifest (its modification time as the storage lists it): the
   * remote's own write order, a second witness beside the manifest's dates.
   */
  writtenAt?: string;
  /**
   * Set when the manifest's dates lie in the future (beyond this host's clock or the remote's
   * `writtenAt`, with 5 minutes of tolerance): such a backup is listed last, never "latest" without
   * an explicit `-i`, never anchors a retention window and is never deleted by retention.
   */
  future?: { reason: string };
}
