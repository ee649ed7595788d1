/** The `pg_restore --use-list` files of a parallel restore, one per session and phase. */
export interface ParallelPlan {
  /** Data-section lists, one per worker that has something to load (`--section=data`). */
  data: string[];
  /** Index and constraint lists built in parallel (`--section=post-data`). */
  indexes: string[];
  /** Everything else of post-data (foreign keys, triggers, rules, matview data...), run last in one session. */
  rest: string;
}

/** A TOC line: `3345; 0 16390 TABLE DATA public pgbench_accounts postgres`. */
const ENTRY = /^(\d+); (\d+) (\d+) (.+)$/;
/** Types whose entries can run side by side in separate sessions once their tables exist. */
const INDEX_TYPES = ['INDEX', 'CONSTRAINT'];

function entryType(line: string): { type: string; words: string[] } | undefined {
  const match = ENTRY.exec(line);
  if (!match) return undefined;
  const rest = match[4] as string;
  for (const type of ['TABLE DATA', 'FK CONSTRAINT', 'INDEX ATTACH', ...INDEX_TYPES]) {
    if (rest.startsWith(`${type} `)) return { type, words: rest.slice(type.length + 1).split(' ') };
  }
  return { type: 'OTHER', words: [] };
}

/** Greedy longest-first assignment of weighted items to `bins` bins; returns each item's bin. */
function balance(weights: readonly number[], bins: number): number[] {
  const load = new Array<number>(bins).fill(0);
  const assigned = new Array<number>(weights.length).fill(0);
  const order = weights.map((weight, index) => ({ weight, index })).sort((a, b) => b.weight - a.weight);
  for (const { weight, index } of order) {
    const bin = load.indexOf(Math.min(...load));
    assigned[index] = bin;
    load[bin] = (load[bin] as number) + weight;
  }
  return assigned;
}

/** Keeps the TOC lines whose index is in `keep` and comments out (`;`) every other entry. */
function select(lines: readonly string[], keep: ReadonlySet<number>): string {
  return lines.map((line, index) => (ENTRY.test(line) && !keep.has(index) ? `;${line}` : line)).join('\n');
}

/**
 * Splits a `pg_restore --list` table of contents into the sessions of a parallel restore.
 * `TABLE DATA` entries are spread over `jobs` workers, heaviest first (weights from the
 * manifest's row counts, `schema.table`; unknown tables weigh 1); other data entries (sequence
 * values, large objects) go to the first worker. `INDEX` and `CONSTRAINT` entries (primary keys,
 * unique and check constraints) are spread the same way; foreign keys, `INDEX ATTACH` and all
 * other post-data entries, which may depend on several of those, run last in one session.
 */
export function planParallelRestore(
  toc: string,
  jobs: number,
  rowCounts: Readonly<Record<string, number>> = {},
): ParallelPlan {
  const lines = toc.split('\n');
  const tableData: { index: number; weight: number }[] = [];
  const indexes: { index: number; weight: number }[] = [];
  const others: number[] = [];
  lines.forEach((line, index) => {
    const entry = entryType(line);
    if (!entry) return;
    const [schema, first, second] = entry.words;
    if (entry.type === 'TABLE DATA') {
      tableData.push({ index, weight: rowCounts[`${schema}.${first}`] ?? 1 });
    } else if (INDEX_TYPES.includes(entry.type)) {
      // CONSTRAINT tags are `schema table name`; an INDEX tag names only the index.
      const table = entry.type === 'CONSTRAINT' ? `${schema}.${first}` : `${schema}.${second ?? first}`;
      indexes.push({ index, weight: rowCounts[table] ?? 1 });
    } else {
      others.push(index);
    }
  });
  const split = (items: { index: number; weight: number }[], extra: readonly number[]) => {
    const bins = balance(
      items.map((item) => item.weight),
      jobs,
    );
    const sets = Array.from({ length: jobs }, (_, bin) => new Set<number>(bin === 0 ? extra : []));
    items.forEach((item, position) => {
      sets[bins[position] as number]?.add(item.index);
    });
    return sets.filter((set) => set.size > 0).map((set) => select(lines, set));
  };
  // Non-TABLE-DATA entries only do something in the section they belong to, so worker 0 gets them
  // all for the data phase and the last session gets them all for post-data.
  const data = split(tableData, others);
  return {
    data: data.length > 0 ? data : [select(lines, new Set(others))],
    indexes: split(indexes, []),
    rest: select(lines, new Set(others)),
  };
}
