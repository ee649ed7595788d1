import { mediaBackup } from '@bk/core';
import { createConfiguredStorage } from '../config/create-storage.js';
import type { CommandContext } from '../context.js';
import { formatBytes } from '../output/format.js';
import { lockedMedia, parseDurationFlag } from './locking.js';
import { requireMedia } from './media-config.js';

/** Options of `bk mediabackup`. */
export interface MediabackupOptions {
  dryRun?: boolean;
  force?: boolean;
  wait?: string;
}

/** `bk mediabackup`: syncs `media.root` to `<remote>/media/current`, keeping what it replaces in history. */
export async function run(context: CommandContext, options: MediabackupOptions) {
  const { reporter, signal } = context;
  const config = await context.config();
  const media = requireMedia(config);
  const waitMs = parseDurationFlag('--wait', options.wait, 0);
  const storage = createConfiguredStorage(config);
  await storage.check({ signal });
  const backup = () =>
    mediaBackup({
      storage,
      root: media.root,
      ...(media.exclude ? { exclude: media.exclude } : {}),
      ...(media.keep !== undefined ? { keep: media.keep } : {}),
      ...(media.maxDeleteShare !== undefined ? { maxDeleteRatio: media.maxDeleteShare } : {}),
      force: options.force === true,
      dryRun: options.dryRun === true,
      signal,
      onEvent: reporter.onEvent,
    });
  const result =
    options.dryRun === true
      ? await backup()
      : await lockedMedia(storage, 'mediabackup', waitMs, signal, backup);
  const what = `${result.transferred} uploaded (${formatBytes(result.bytes)}), ${result.deleted} deleted, ${result.unchanged} unchanged`;
  if (result.dryRun) reporter.print(`dry run: would make snapshot ${result.snapshot.stamp}: ${what}`);
  else reporter.print(`media: snapshot ${result.snapshot.stamp}: ${what}`);
  for (const pruned of result.pruned) reporter.print(`media: removed snapshot ${pruned.stamp} (retention)`);
  return { ...result };
}
