import { FEATURE_NAMES } from './ranker';
import type { FeatureName } from './ranker';

const at = (n: FeatureName): number => FEATURE_NAMES.indexOf(n);
const FORM_PRIOR = at('formPrior');
const DENSE = at('dense');
const NAME_DENSE = at('nameDense');
const FORM_SHARE = at('formShare');
const DENSE_RANK = at('denseRank');
const NAME_DENSE_RANK = at('nameDenseRank');
/** formPrior is log(1 + count) / log(1001) (wordnetSenseCounts.ts): the count back from the feature. */
const FORM_PRIOR_SCALE = Math.log(1001);

/**
 * The features that compare a candidate with the other candidates of its mention, filled into the mention's
 * feature rows (FEATURE_NAMES order) in place:
 * - formShare: the candidate's share of the mention word's KB counts among the candidates, (c + 0.5) / (sum c +
 *   0.5 n); 0 when no candidate has a count (formPrior says how often, this says how dominant: "5 of 6" and
 *   "5 of 500" have the same formPrior);
 * - denseRank, nameDenseRank: 1 / (1 + the number of candidates with a higher dense / nameDense cosine): the
 *   encoder's own ranking, whatever the scale of its cosines for this mention.
 */
export function fillCandidateSetFeatures(rows: readonly number[][]): void {
  const n = rows.length;
  if (n === 0) return;
  let sum = 0;
  const counts = rows.map((f) => {
    const c = Math.max(0, Math.expm1((f[FORM_PRIOR] ?? 0) * FORM_PRIOR_SCALE));
    sum += c;
    return c;
  });
  const denseHigher = higherCounts(rows.map((f) => f[DENSE] ?? 0));
  const nameHigher = higherCounts(rows.map((f) => f[NAME_DENSE] ?? 0));
  rows.forEach((f, i) => {
    f[FORM_SHARE] = sum > 0 ? (counts[i] + 0.5) / (sum + 0.5 * n) : 0;
    f[DENSE_RANK] = 1 / (1 + denseHigher[i]);
    f[NAME_DENSE_RANK] = 1 / (1 + nameHigher[i]);
  });
}

/** For each value, how many values are strictly higher (one sort, not a pass per value). */
function higherCounts(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a]);
  const out = new Array<number>(values.length);
  order.forEach((i, r) => (out[i] = r > 0 && values[order[r - 1]] === values[i] ? out[order[r - 1]] : r));
  return out;
}
