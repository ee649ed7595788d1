import { compare, comparisonTable } from '../lib/context.mjs';
import { measure } from '../lib/measure.mjs';

/** `bk --help` wall time, against `node -e 0` (Node's own start-up) as the floor. */
export async function run(context) {
  const runs = context.quick ? 5 : 15;
  const rows = await compare({ ...context, runs }, [
    {
      label: 'bk --help',
      variants: {
        bk: { run: () => context.bk(['--help']) },
        raw: { run: () => measure(process.execPath, ['-e', '0']) },
      },
    },
    {
      label: 'bk --version',
      variants: {
        bk: { run: () => context.bk(['--version']) },
        raw: { run: () => measure(process.execPath, ['-e', '0']) },
      },
    },
  ]);
  return [
    'Wall time of the built CLI (`node packages/cli/dist/bin.js`); raw = `node -e 0`. Target: `bk --help` ≤ 150 ms.',
    '',
    comparisonTable(rows),
  ].join('\n');
}
