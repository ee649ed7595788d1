import { randomBytes } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compare, comparisonTable } from '../lib/context.mjs';
import { ensureMedia } from '../lib/data.mjs';
import { shell } from '../lib/measure.mjs';

/** Media: a second `bk mediabackup` after 1% of the files changed, vs a raw `rclone sync`. */
export async function run(context) {
  const count = context.quick ? 300 : 10_000;
  const pristine = await ensureMedia(count, context.log);
  const root = join(context.dir, 'media');
  await shell(`cp -a ${pristine} ${root}`);
  const remote = join(context.dir, 'remote');
  const rawRemote = join(context.dir, 'raw-remote');
  const config = await context.config('bk.config.json', { remote, media: { root } });
  context.log('initial syncs (untimed)');
  await context.bk(['mediabackup', '--quiet', '--config', config]);
  await context.shell(`rclone sync ${root} ${rawRemote}`);
  const files = [];
  for (const dir of (await readdir(root)).filter((name) => name.startsWith('d')).sort())
    for (const name of (await readdir(join(root, dir))).sort()) files.push(join(root, dir, name));
  let round = 0;
  const changed = Math.max(1, Math.round(files.length / 100));
  const rows = await compare(context, [
    {
      label: `second sync, ${changed} of ${files.length} files changed`,
      variants: {
        // The same 1% change is then seen by both: bk first, then the raw sync.
        bk: {
          before: async () => {
            round++;
            for (let index = 0; index < changed; index++)
              await writeFile(files[(round * 7919 + index * 97) % files.length], randomBytes(4096 + index));
          },
          run: () => context.bk(['mediabackup', '--quiet', '--config', config]),
        },
        raw: { run: () => context.shell(`rclone sync ${root} ${rawRemote}`) },
      },
    },
  ]);
  return [
    `${files.length} files (1–64 KiB, random), local rclone remote. raw: \`rclone sync media DIR\`.`,
    'bk: `bk mediabackup` (rclone sync with --backup-dir into history/, then a snapshot manifest of every file).',
    '',
    comparisonTable(rows),
  ].join('\n');
}
