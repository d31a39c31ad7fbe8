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
  const dense = rows.map((f) => f[DENSE] ?? 0);
  const nameDense = rows.map((f) => f[NAME_DENSE] ?? 0);
  rows.forEach((f, i) => {
    f[FORM_SHARE] = sum > 0 ? (counts[i] + 0.5) / (sum + 0.5 * n) : 0;
    f[DENSE_RANK] = 1 / (1 + higher(dense, dense[i]));
    f[NAME_DENSE_RANK] = 1 / (1 + higher(nameDense, nameDense[i]));
  });
}

function higher(values: readonly number[], v: number): number {
  let k = 0;
  for (const x of values) if (x > v) k++;
  return k;
}
