/** One table whose row count differs between a backup's manifest and a restored copy. */
export interface RowCountDifference {
  /** Table name as the connector reports it. */
  table: string;
  /** Rows recorded in the manifest at backup time (`undefined`: the table was not there). */
  expected: number | undefined;
  /** Rows counted in the restored copy (`undefined`: the table is missing). */
  actual: number | undefined;
}

/**
 * Compares per-table row counts recorded in a manifest (`rowCounts`) with those counted in a
 * restored copy. Returns one entry per table that differs, sorted by table name; empty when equal.
 * With `tolerance` (a fraction, for planner estimates of very large tables) counts within
 * `tolerance × expected` of each other are equal.
 */
export function compareRowCounts(
  expected: Readonly<Record<string, number>>,
  actual: Readonly<Record<string, number>>,
  options: { tolerance?: number } = {},
): RowCountDifference[] {
  const tolerance = options.tolerance ?? 0;
  const tables = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  const differences: RowCountDifference[] = [];
  for (const table of tables) {
    const want = Object.hasOwn(expected, table) ? expected[table] : undefined;
    const got = Object.hasOwn(actual, table) ? actual[table] : undefined;
    if (want !== undefined && got !== undefined && Math.abs(want - got) <= tolerance * want) continue;
    differences.push({ table, expected: want, actual: got });
  }
  return differences;
}
