import { type Storage, type SweptPartial, sweepOrphans, sweepPartials } from '@bk/core';
import type { CommandContext } from '../context.js';
import { formatBytes, formatDuration, formatTable } from '../output/format.js';

/**
 * The sweep step of `bk cleanup`: removes uploads that killed backups left in `db/.partial/` (or
 * `dir`: `media/.partial/` for `--media`) once older than `olderThanMs`, printing each by name and
 * age; for `db/.partial/`, also the objects of `db/` that have no manifest (a kill -9 between the
 * move and the manifest of a backup, or inside a prune). Returns them for `--json`. Checks the
 * remote first unless `checked`.
 */
export async function sweepLeftovers(
  context: CommandContext,
  storage: Storage,
  options: { olderThanMs: number; dryRun: boolean; dir?: string; checked?: boolean },
): Promise<(SweptPartial & { ageMs: number })[]> {
  const { reporter, signal } = context;
  const dir = options.dir ?? 'db/.partial';
  if (options.checked !== true) await storage.check({ signal });
  const sweepOptions = { storage, olderThanMs: options.olderThanMs, dryRun: options.dryRun, signal };
  // Objects of db/ left without a manifest first: their staged manifests in db/.partial/ vouch for them.
  const orphans = dir === 'db/.partial' ? await sweepOrphans(sweepOptions) : { swept: [], kept: [] };
  const { swept, kept } = await sweepPartials({ ...sweepOptions, dir });
  swept.unshift(...orphans.swept);
  if (orphans.kept.length > 0) {
    reporter.note(
      `left by killed runs, younger than ${formatDuration(options.olderThanMs)}, left alone: ${orphans.kept.map((orphan) => orphan.path).join(', ')}`,
    );
  }
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
