import { mediaRestore, validateStamp } from '@bk/core';
import { createConfiguredStorage } from '../config/create-storage.js';
import type { CommandContext } from '../context.js';
import { formatBytes } from '../output/format.js';
import { UsageError } from '../usage-error.js';
import { lockedMedia, parseDurationFlag } from './locking.js';
import { requireMedia } from './media-config.js';

/** Options of `bk mediarestore`. */
export interface MediarestoreOptions {
  at?: string;
  noinput?: boolean;
  dryRun?: boolean;
  delete?: boolean;
  wait?: string;
}

/** `bk mediarestore`: restores the latest (or `--at STAMP`) media snapshot into `media.root`. */
export async function run(context: CommandContext, options: MediarestoreOptions) {
  const { reporter, signal } = context;
  const dryRun = options.dryRun === true;
  const interactive = options.noinput !== true && !dryRun;
  if (interactive && !process.stdin.isTTY) {
    throw new UsageError(
      'stdin is not a terminal, so bk cannot ask before restoring: pass --noinput to restore',
      {
        hint: 'bk mediarestore --noinput overwrites local media files without asking',
      },
    );
  }
  if (interactive && context.global.json) {
    throw new UsageError('--json cannot be used with a confirmation prompt: pass --noinput too');
  }
  const at = options.at === undefined ? undefined : validateStamp(options.at, '--at');
  const config = await context.config();
  const media = requireMedia(config);
  const waitMs = parseDurationFlag('--wait', options.wait, 0);
  const storage = createConfiguredStorage(config);
  await storage.check({ signal });
  const restore = (dry: boolean) =>
    mediaRestore({
      storage,
      root: media.root,
      ...(at !== undefined ? { at } : {}),
      delete: options.delete === true,
      dryRun: dry,
      signal,
      onEvent: reporter.onEvent,
    });
  if (interactive) {
    const plan = await restore(true);
    const { confirm } = await import('@inquirer/prompts');
    const yes = await confirm(
      {
        message: `Restore media snapshot ${plan.snapshot.stamp} into ${media.root}? ${plan.restored.length} files will be written${options.delete ? `, ${plan.deleted.length} deleted` : ''}.`,
        default: false,
      },
      { signal, output: process.stderr },
    );
    if (!yes) {
      reporter.print('restore cancelled; nothing was changed');
      return { cancelled: true };
    }
  }
  const result = dryRun
    ? await restore(true)
    : await lockedMedia(storage, 'mediarestore', waitMs, signal, () => restore(false));
  const what = `${result.restored.length} written (${formatBytes(result.bytes)}), ${result.deleted.length} deleted, ${result.unchanged} unchanged`;
  reporter.print(
    `${dryRun ? 'dry run: would restore' : 'media: restored'} snapshot ${result.snapshot.stamp}: ${what}`,
  );
  return { ...result };
}
