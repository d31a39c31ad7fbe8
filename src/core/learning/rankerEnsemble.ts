import { FEATURE_NAMES, KB_KINDS } from '../linker/ranker';
import { hasProfile, rankerForKind, withProfiles } from '../linker/rankerProfiles';
import type { FeatureName, RankerWeights } from '../linker/ranker';

/**
 * The average of several rankers' scores as one ranker: the mean of the linear terms, and every model's hidden
 * units with their outputs divided by the count. Exact (the score is linear in the linear weights and in the
 * outputs), so an ensemble of seeds ships as one readable ranker.json; it is of the members' kind.
 */
export function averageRankers(models: readonly RankerWeights[]): RankerWeights {
  if (models.length === 0) throw new Error('averageRankers needs at least one ranker.');
  // With profiles per KB kind (version 4): the average of each kind's ranker, and of the top-level weights.
  const kinds = KB_KINDS.filter((k) => models.some((w) => hasProfile(w, k)));
  const top = averageFlat(models.map((w) => rankerForKind(w, undefined)));
  if (kinds.length === 0) return top;
  return withProfiles(top, Object.fromEntries(kinds.map((k) => [k, averageFlat(models.map((w) => rankerForKind(w, k)))])));
}

function averageFlat(models: readonly RankerWeights[]): RankerWeights {
  const k = models.length;
  const mean = (get: (w: RankerWeights) => number): number => Math.round((models.reduce((a, w) => a + get(w), 0) / k) * 10000) / 10000;
  const weights = Object.fromEntries(FEATURE_NAMES.map((n) => [n, mean((w) => w.weights[n] ?? 0)])) as Record<FeatureName, number>;
  const hidden = models.flatMap((w) => (w.hidden ?? []).map((u) => ({ ...u, out: Math.round((u.out / k) * 10000) / 10000 })));
  return {
    ...models[0],
    version: hidden.length === 0 ? 2 : 3,
    weights,
    ...(hidden.length === 0 ? {} : { hidden }),
    source: `average of ${k} rankers (${models.map((w) => w.source ?? '?').join('; ')})`,
  };
}
