import { listMediaSnapshots } from '@bk/core';
import { createConfiguredStorage } from '../config/create-storage.js';
import type { CommandContext } from '../context.js';
import { checkMediaFreshness, parseMaxAge } from '../ops/check-freshness.js';
import { formatBytes, formatTable } from '../output/format.js';

/**
 * `bk listbackups --media`: complete media snapshots, newest first. With `maxAge`, exits 1 when
 * the newest snapshot is older (or there is none), after listing.
 */
export async function listMedia(context: CommandContext, maxAge?: string): Promise<undefined> {
  const { reporter, signal } = context;
  if (maxAge !== undefined) parseMaxAge(maxAge);
  const config = await context.config();
  const storage = createConfiguredStorage(config);
  // A wrong crypt password lists nothing: check() says so instead of "no snapshots".
  await storage.check({ signal });
  const snapshots = await listMediaSnapshots({ storage, signal });
  const checkAge = () => {
    if (maxAge !== undefined) checkMediaFreshness(context, snapshots, maxAge);
  };
  if (reporter.json) {
    reporter.printJson(
      snapshots.map((snapshot) => ({
        stamp: snapshot.stamp,
        createdAt: snapshot.createdAt,
        files: snapshot.files,
        size: snapshot.bytes,
        path: snapshot.path,
      })),
    );
    checkAge();
    return undefined;
  }
  if (snapshots.length === 0) {
    reporter.note(`no media snapshots on ${storage.location}`);
    checkAge();
    return undefined;
  }
  const rows = snapshots.map((snapshot) => [
    snapshot.stamp,
    snapshot.createdAt.replace(/\.\d+Z$/, 'Z'),
    String(snapshot.files),
    formatBytes(snapshot.bytes),
  ]);
  for (const line of formatTable([['STAMP', 'CREATED', 'FILES', 'SIZE'], ...rows])) reporter.print(line);
  checkAge();
  return undefined;
}
