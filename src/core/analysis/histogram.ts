/** A bin of `histogram`: (from, to], the first bin closed; `members` are the indices of the values in it. */
export interface Bin {
  readonly from: number;
  readonly to: number;
  readonly members: number[];
}

/**
 * Equal-width bins over the finite values. Bins are closed on the right, so that when the values reach 0 from
 * both sides (or start at 0) one bin ends exactly at 0 and holds the zeros: for margins, the bins that end at or
 * below 0 are exactly the mentions the model does not get right (a margin of 0 is a tie between the label and
 * the best wrong entity), and the others exactly those it does. There may be one bin more than asked.
 * Non-finite values are left out. Written here rather than taken from a library because the alignment and the
 * member lists are the point, and the rest is a dozen lines.
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
  const straddles = min <= 0 && max > 0;
  // Edges are from + i * width; when straddling, from = first * width with an integer `first`, so the edge at
  // i = -first is exactly 0 (bin `zeroBin` ends there). A minimum of 0 gets a bin [-width, 0] of its own.
  const first = straddles ? (min === 0 ? -1 : Math.floor(min / width)) : 0;
  const from = straddles ? first * width : min;
  const edge = (i: number): number => (straddles ? (first + i) * width : from + i * width);
  const zeroBin = -first - 1;
  const n = Math.max(1, Math.ceil((max - from) / width - 1e-9));
  const bins: Bin[] = Array.from({ length: n }, (_, i) => ({ from: edge(i), to: i === n - 1 ? Math.max(max, edge(n)) : edge(i + 1), members: [] }));
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    let at = Math.min(n - 1, Math.max(0, Math.ceil((v - from) / width) - 1));
    // Rounding must not carry a margin across 0: the sign decides the side.
    if (straddles) at = v <= 0 ? Math.min(at, zeroBin) : Math.max(at, zeroBin + 1);
    bins[at].members.push(i);
  });
  return bins;
}
