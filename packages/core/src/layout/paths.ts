/** Directory of database backups and their manifests, relative to the remote base. */
export const DB_DIR = 'db';

/** Staging directory for uploads in flight: never listed, never counted by retention. */
export const PARTIAL_DIR = 'db/.partial';

/** Suffix of a manifest: `<name>.json` sits next to the object `<name>`. */
export const MANIFEST_SUFFIX = '.json';

/** Path of a backup object relative to the remote base (`db/<name>`). */
export function backupObjectPath(name: string): string {
  return `${DB_DIR}/${name}`;
}

/** Path of a backup's manifest relative to the remote base (`db/<name>.json`). */
export function manifestPathOf(name: string): string {
  return `${DB_DIR}/${name}${MANIFEST_SUFFIX}`;
}
