import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { LinkerError } from '../errors';

/**
 * The ranker: a linear score over a few signals per (mention, candidate), softmax over the retrieved set.
 * Linear so that a trainer can fit the weights by logistic regression on the feature vectors the linker
 * returns (`RankedCandidate.features`), and so that a user can read what a weight does.
 */
export const FEATURE_NAMES = ['dense', 'lexical', 'exactName', 'exactTitle', 'denseMissing'] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

/**
 * - dense: cosine of the mention-in-context and entity vectors; when the dense retriever did not return the
 *   entity and its vector was not computed, the lowest dense score retrieved for the mention (an upper bound
 *   of the true value) stands in and `denseMissing` is 1;
 * - lexical: character-trigram Dice of the mention and the entity's closest name (0..1);
 * - exactName: 1 when the mention equals one of the entity's names after normalisation;
 * - exactTitle: 1 when it equals the title itself (an alias match is weaker evidence);
 * - denseMissing: 1 when `dense` was imputed.
 */
export interface RankerWeights {
  readonly version: 1;
  readonly weights: Readonly<Record<FeatureName, number>>;
  /** Overrides of the linker's NIL decision (see LinkerOptions). */
  readonly nilThreshold?: number;
  readonly minScore?: number;
  /** Where the weights came from (a file, "defaults", a training run). */
  readonly source?: string;
}

/**
 * Tuned by grid search (top-1 accuracy, ties by gold log-likelihood) on the elevant *-train files (oke-2015/2016
 * train, 248 mentions whose entity is in wiki11k) with USE-lite and the default template; see
 * bench/linkDocument.ts, which prints the search and the held-out numbers. Exact names and lexical overlap
 * carry most of the signal for named entities; the dense cosine (USE-lite cosines sit in a narrow 0.2-0.7
 * band, hence a weight of 5) decides between entities sharing a name, which is where context matters.
 * No NIL threshold by default: what "not in the KB" looks like depends on the KB's coverage (set one in
 * ranker.json or the linker options).
 */
export const DEFAULT_RANKER_WEIGHTS: RankerWeights = {
  version: 1,
  weights: { dense: 5, lexical: 8, exactName: 4, exactTitle: 2, denseMissing: 0 },
  source: 'defaults',
};

export const RANKER_FILE = 'ranker.json';

export function featureVector(f: Readonly<Record<FeatureName, number>>): number[] {
  return FEATURE_NAMES.map((n) => f[n]);
}

export function scoreFeatures(w: RankerWeights, features: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < FEATURE_NAMES.length; i++) s += w.weights[FEATURE_NAMES[i]] * features[i];
  return s;
}

/** Softmax, shifted by the maximum so large weights do not overflow. */
export function softmax(scores: readonly number[]): number[] {
  if (scores.length === 0) return [];
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** Reads `<modelDir>/ranker.json`; the defaults when the file does not exist. */
export async function loadRankerWeights(modelDir: string): Promise<RankerWeights> {
  const file = path.join(modelDir, RANKER_FILE);
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_RANKER_WEIGHTS;
    throw new LinkerError('inputMissing', `Cannot read the ranker weights: ${(e as Error).message}.`, { location: { file }, cause: e });
  }
  return parseRankerWeights(raw, file);
}

export function parseRankerWeights(raw: string, file = RANKER_FILE): RankerWeights {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new LinkerError('inputFormat', `The ranker weights are not valid JSON (${(e as Error).message}).`, {
      location: { file },
      hint: `Fix the file or delete it to use the default weights.`,
      cause: e,
    });
  }
  const o = json as { version?: unknown; weights?: Record<string, unknown>; nilThreshold?: unknown; minScore?: unknown };
  if (typeof o !== 'object' || o === null || o.version !== 1 || typeof o.weights !== 'object' || o.weights === null) {
    throw new LinkerError('inputFormat', 'The ranker weights must be {"version": 1, "weights": {...}}.', {
      location: { file },
      hint: `Expected weights for: ${FEATURE_NAMES.join(', ')}.`,
    });
  }
  const weights = { ...DEFAULT_RANKER_WEIGHTS.weights } as Record<FeatureName, number>;
  for (const [k, v] of Object.entries(o.weights)) {
    if (!(FEATURE_NAMES as readonly string[]).includes(k) || typeof v !== 'number' || !Number.isFinite(v)) {
      throw new LinkerError('inputFormat', `Unknown ranker feature or non-numeric weight: "${k}".`, {
        location: { file },
        hint: `Known features: ${FEATURE_NAMES.join(', ')}.`,
      });
    }
    weights[k as FeatureName] = v;
  }
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const nilThreshold = num(o.nilThreshold);
  const minScore = num(o.minScore);
  return {
    version: 1,
    weights,
    ...(nilThreshold === undefined ? {} : { nilThreshold }),
    ...(minScore === undefined ? {} : { minScore }),
    source: file,
  };
}
