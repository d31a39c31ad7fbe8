/**
 * Chance-corrected agreement coefficients, as defined in Artstein & Poesio, "Inter-coder agreement for
 * computational linguistics" (Computational Linguistics 34(4), 2008) and Krippendorff, "Computing
 * Krippendorff's alpha-reliability" (2011). Each returns null where the coefficient is undefined (no units, or
 * no variation to correct for: expected agreement 1), never NaN.
 */

/** A coded unit: the value each coder gave it; a coder who gave none is absent (a missing value). */
export type CodedUnit = ReadonlyMap<string, string>;

export interface PairCounts {
  /** Units both coders coded. */
  readonly units: number;
  /** Of those, units with the same value. */
  readonly agreed: number;
}

/**
 * Cohen's kappa of coders `a` and `b` over the units both coded: (po - pe) / (1 - pe), po the observed
 * agreement, pe = sum over values c of pa(c) * pb(c) from each coder's own distribution.
 */
export function cohenKappa(units: readonly CodedUnit[], a: string, b: string): number | null {
  const pairs: [string, string][] = [];
  for (const u of units) {
    const va = u.get(a);
    const vb = u.get(b);
    if (va !== undefined && vb !== undefined) pairs.push([va, vb]);
  }
  if (pairs.length === 0) return null;
  const n = pairs.length;
  const countA = new Map<string, number>();
  const countB = new Map<string, number>();
  let agreed = 0;
  for (const [va, vb] of pairs) {
    if (va === vb) agreed++;
    countA.set(va, (countA.get(va) ?? 0) + 1);
    countB.set(vb, (countB.get(vb) ?? 0) + 1);
  }
  const po = agreed / n;
  let pe = 0;
  for (const [value, ca] of countA) pe += (ca / n) * ((countB.get(value) ?? 0) / n);
  if (pe >= 1) return null;
  return (po - pe) / (1 - pe);
}

/** How many units both coders coded and how many of them got the same value. */
export function pairCounts(units: readonly CodedUnit[], a: string, b: string): PairCounts {
  let n = 0;
  let agreed = 0;
  for (const u of units) {
    const va = u.get(a);
    const vb = u.get(b);
    if (va === undefined || vb === undefined) continue;
    n++;
    if (va === vb) agreed++;
  }
  return { units: n, agreed };
}

/**
 * Krippendorff's alpha for nominal data, any number of coders, missing values allowed:
 * alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c * n_k, where o_ck is the coincidence matrix
 * (each ordered pair of values within a unit of m_u >= 2 values adds 1 / (m_u - 1)), n_c its marginals and n
 * their total. Units with fewer than two values are not pairable and are left out.
 */
export function krippendorffAlphaNominal(units: readonly CodedUnit[]): number | null {
  const marginals = new Map<string, number>();
  let observedDisagreement = 0;
  for (const u of units) {
    const values = [...u.values()];
    const m = values.length;
    if (m < 2) continue;
    const counts = new Map<string, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    for (const [c, nc] of counts) {
      marginals.set(c, (marginals.get(c) ?? 0) + nc);
      // Ordered pairs (c, k != c) in this unit: nc * (m - nc), each weighted 1 / (m - 1).
      observedDisagreement += (nc * (m - nc)) / (m - 1);
    }
  }
  let n = 0;
  for (const nc of marginals.values()) n += nc;
  let expected = 0;
  for (const nc of marginals.values()) expected += nc * (n - nc);
  if (n < 2 || expected === 0) return null;
  return 1 - ((n - 1) * observedDisagreement) / expected;
}

/** Mean of the non-null values; null when there are none (Light's kappa is the mean of the pairs' kappas). */
export function meanOf(values: readonly (number | null)[]): number | null {
  const defined = values.filter((v): v is number => v !== null);
  return defined.length === 0 ? null : defined.reduce((s, v) => s + v, 0) / defined.length;
}

/** F1 of two annotators' span sets: 2 * matched / (2 * matched + onlyA + onlyB); null when neither marked a span. */
export function spanF1(matched: number, onlyA: number, onlyB: number): number | null {
  const denominator = 2 * matched + onlyA + onlyB;
  return denominator === 0 ? null : (2 * matched) / denominator;
}
