/**
 * Runs `task` over `items` with at most `concurrency` at once, in order of `items`. A task's
 * rejection does not stop the others; every outcome is returned in the order of `items`.
 * Items not yet started when `signal` aborts are not started (their outcome is the abort reason).
 */
export async function runPool<Item, Result>(
  items: readonly Item[],
  concurrency: number,
  task: (item: Item) => Promise<Result>,
  signal?: AbortSignal,
): Promise<PromiseSettledResult<Result>[]> {
  const outcomes: PromiseSettledResult<Result>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      if (signal?.aborted) {
        outcomes[index] = { status: 'rejected', reason: signal.reason };
        continue;
      }
      try {
        outcomes[index] = { status: 'fulfilled', value: await task(items[index] as Item) };
      } catch (error) {
        outcomes[index] = { status: 'rejected', reason: error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return outcomes;
}
