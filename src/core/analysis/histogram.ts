/** A bin of `histogram`: [from, to), the last bin closed; `members` are the indices of the values in it. */
export interface Bin {
  readonly from: number;
  readonly to: number;
  readonly members: number[];
}

/**
 * Equal-width bins over the finite values, aligned so that 0 is a bin edge when the values straddle it (for
 * margins, the bins left of 0 are exactly the mentions the model gets wrong), so there may be one bin more
 * than asked. Non-finite values are left out. Written here rather than taken from a library because the
 * alignment and the member lists are the point, and the rest is a dozen lines.
 */
export function histogram(values: readonly number[], binCount: number): Bin[] {
  if (!Number.isInteger(binCount) || binCount < 1) throw new RangeError(`binCount must be a positive integer, got ${binCount}`);
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === Infinity) return [];
  if (min === max) {
    const members: number[] = [];
    values.forEach((v, i) => v === min && members.push(i));
    return [{ from: min, to: max, members }];
  }
  const width = (max - min) / binCount;
  const from = min < 0 && max > 0 ? Math.floor(min / width) * width : min;
  const n = Math.max(1, Math.ceil((max - from) / width - 1e-9));
  const bins: Bin[] = Array.from({ length: n }, (_, i) => ({ from: from + i * width, to: i === n - 1 ? Math.max(max, from + n * width) : from + (i + 1) * width, members: [] }));
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    bins[Math.min(n - 1, Math.max(0, Math.floor((v - from) / width)))].members.push(i);
  });
  return bins;
}
