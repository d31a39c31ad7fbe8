/**
 * Groups texts into model calls by token count, for every encoder (USE-lite, Hugging Face exports): sorting by
 * length before cutting batches keeps the padding each call computes (every row is padded to the longest in its
 * batch) small.
 */

/** Indices into `lengths`, in batches of at most `batchSize`, shortest texts first. */
export function lengthSortedBatches(lengths: readonly number[], batchSize: number): number[][] {
  const size = Math.max(1, Math.floor(batchSize));
  // Stable sort by length; ties keep input order so results are reproducible.
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b] || a - b);
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += size) {
    batches.push(order.slice(start, start + size));
  }
  return batches;
}

/** Padded token slots a plan computes, for measuring waste: sum over batches of rows x longest row. */
export function paddedSlots(lengths: readonly number[], batches: readonly number[][]): number {
  return batches.reduce((sum, batch) => sum + batch.length * Math.max(0, ...batch.map((i) => lengths[i])), 0);
}
