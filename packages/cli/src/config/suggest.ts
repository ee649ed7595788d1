/** Edit distance (insertions, deletions, substitutions, and swaps of two neighbours). */
function distance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const table: number[][] = Array.from({ length: rows }, (_, row) =>
    Array.from({ length: columns }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)),
  );
  for (let row = 1; row < rows; row++) {
    for (let column = 1; column < columns; column++) {
      const cost = a[row - 1] === b[column - 1] ? 0 : 1;
      let best = Math.min(
        (table[row - 1]?.[column] ?? 0) + 1,
        (table[row]?.[column - 1] ?? 0) + 1,
        (table[row - 1]?.[column - 1] ?? 0) + cost,
      );
      if (row > 1 && column > 1 && a[row - 1] === b[column - 2] && a[row - 2] === b[column - 1]) {
        best = Math.min(best, (table[row - 2]?.[column - 2] ?? 0) + 1);
      }
      (table[row] as number[])[column] = best;
    }
  }
  return table[rows - 1]?.[columns - 1] ?? 0;
}

/**
 * The known name closest to `name` (case ignored), when it is close enough to be a typo: at most a
 * third of its length (and at least 2) edits away, or one is a prefix of the other. `undefined`
 * when nothing is close.
 */
export function suggestName(name: string, known: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: { name: string; score: number } | undefined;
  for (const candidate of known) {
    const other = candidate.toLowerCase();
    const prefix = other.startsWith(lower) || lower.startsWith(other);
    const score = prefix && Math.min(lower.length, other.length) >= 3 ? 0.5 : distance(lower, other);
    if (score <= Math.max(2, Math.floor(name.length / 3)) && (best === undefined || score < best.score)) {
      best = { name: candidate, score };
    }
  }
  return best?.name;
}
