/**
 * Groups item indices into batches of similar length: sorting by length first means each batch pads to a
 * length close to every member's, so little compute goes to padding. Ties keep input order (stable sort), so
 * the plan is deterministic.
 */
export function lengthBuckets(lengths: readonly number[], batchSize: number): number[][] {
  const size = Math.max(1, Math.floor(batchSize));
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b]);
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += size) {
    batches.push(order.slice(start, start + size));
  }
  return batches;
}
