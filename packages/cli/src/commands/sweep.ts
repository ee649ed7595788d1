import { type Storage, type SweptPartial, sweepPartials } from '@bk/core';
import type { CommandContext } from '../context.js';
import { formatBytes, formatDuration, formatTable } from '../output/format.js';

/**
 * The sweep step of `bk cleanup`: removes uploads that killed backups left in `db/.partial/`
 * once older than `olderThanMs`, printing each by name and age. Returns them for `--json`.
 */
export async function sweepLeftovers(
  context: CommandContext,
  storage: Storage,
  options: { olderThanMs: number; dryRun: boolean },
): Promise<(SweptPartial & { ageMs: number })[]> {
  const { reporter, signal } = context;
  await storage.check({ signal });
  const { swept, kept } = await sweepPartials({
    storage,
    olderThanMs: options.olderThanMs,
    dryRun: options.dryRun,
    signal,
  });
  const verb = options.dryRun ? 'would sweep' : 'swept';
  const rows = swept.map((partial) => [
    verb,
    partial.path,
    formatBytes(Math.max(0, partial.bytes)),
    `${formatDuration(partial.ageMs)} old`,
  ]);
  for (const line of formatTable(rows)) reporter.print(line);
  if (kept.length > 0) {
    reporter.note(
      `${kept.length} upload${kept.length === 1 ? '' : 's'} in db/.partial/ younger than ${formatDuration(options.olderThanMs)} left alone`,
    );
  }
  return swept.map((partial) => ({ ...partial, ageMs: Number.isFinite(partial.ageMs) ? partial.ageMs : -1 }));
}
