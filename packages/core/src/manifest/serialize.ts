import type { BackupManifest } from './types.js';

/**
 * Serializes a manifest as one compact JSON line followed by `\n`, so many manifests can be read
 * in one stream (`rclone cat` of a directory) and split on newlines.
 */
export function serializeManifest(manifest: BackupManifest): string {
  return `${JSON.stringify(manifest)}\n`;
}
