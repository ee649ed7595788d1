import { type Storage, type SweptPartial, sweepPartials } from '@bk/core';
import type { CommandContext } from '../context.js';
import { formatBytes, formatDuration, formatTable } from '../output/format.js';

/**
 * The sweep step of `bk cleanup`: removes uploads that killed backups left in `db/.partial/` (or
 * `dir`: `media/.partial/` for `--media`) once older than `olderThanMs`, printing each by name and
 * age. Returns them for `--json`. Checks the remote first unless `checked`.
 */
export async function sweepLeftovers(
  context: CommandContext,
  storage: Storage,
  options: { olderThanMs: number; dryRun: boolean; dir?: string; checked?: boolean },
): Promise<(SweptPartial & { ageMs: number })[]> {
  const { reporter, signal } = context;
  const dir = options.dir ?? 'db/.partial';
  if (options.checked !== true) await storage.check({ signal });
  const { swept, kept } = await sweepPartials({
    storage,
    dir,
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
      `${kept.length} upload${kept.length === 1 ? '' : 's'} in ${dir}/ younger than ${formatDuration(options.olderThanMs)} left alone`,
    );
  }
  return swept.map((partial) => ({ ...partial, ageMs: Number.isFinite(partial.ageMs) ? partial.ageMs : -1 }));
}
