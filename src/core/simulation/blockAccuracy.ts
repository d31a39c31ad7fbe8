/** The share of `true` in each consecutive block of `size` (the last block may be shorter). */
export function accuracyByBlock(correct: readonly boolean[], size: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < correct.length; i += size) {
    const block = correct.slice(i, i + size);
    out.push(block.filter(Boolean).length / block.length);
  }
  return out;
}

/** The share of `true` in the first and the second half (the middle element of an odd count goes to the second). */
export function accuracyHalves(correct: readonly boolean[]): { first: number | null; second: number | null } {
  const mid = Math.floor(correct.length / 2);
  const share = (xs: readonly boolean[]): number | null => (xs.length === 0 ? null : xs.filter(Boolean).length / xs.length);
  return { first: share(correct.slice(0, mid)), second: share(correct.slice(mid)) };
}
