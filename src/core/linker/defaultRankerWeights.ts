import type { RankerWeights } from './ranker';

/**
 * The ranker weights a model folder without ranker.json gets. Until bench/trainRanker.ts has been run these are
 * the hand-set version-1 weights (see HAND_SET_RANKER_WEIGHTS in ranker.ts).
 */
export const DEFAULT_RANKER_WEIGHTS: RankerWeights = {
  version: 1,
  weights: { dense: 5, lexical: 8, exactName: 4, exactTitle: 2, denseMissing: 0 },
  source: 'defaults',
};
