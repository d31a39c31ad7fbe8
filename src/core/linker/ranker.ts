import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { LinkerError } from '../errors';
import { DEFAULT_RANKER_WEIGHTS } from './defaultRankerWeights';

/**
 * The ranker: a linear score over named signals per (mention, candidate), softmax over the retrieved set.
 * Linear so that a trainer (src/core/learning/rankerTrainer.ts) can fit the weights on the feature vectors the
 * linker returns (`RankedCandidate.features`, in FEATURE_NAMES order), and so that a user can read what a
 * weight does. Version 1 of ranker.json knew the first five features; version 2 adds the rest.
 */
export const FEATURE_NAMES_V1 = ['dense', 'lexical', 'exactName', 'exactTitle', 'denseMissing'] as const;
export const FEATURE_NAMES = [
  ...FEATURE_NAMES_V1,
  'nameDense',
  'ngram',
  'tokenOverlap',
  'edit',
  'exactCase',
  'acronym',
  'givenPrior',
  'kbPrior',
  'annotatorPrior',
  'discourse',
  'coherence',
  'typeAgreement',
  'nameCount',
  'formPrior',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

/**
 * - dense: cosine of the mention-in-context and entity vectors; when the dense retriever did not return the
 *   entity and its vector was not computed, the lowest dense score retrieved for the mention (an upper bound
 *   of the true value) stands in and `denseMissing` is 1;
 * - lexical: 1 when every token of the mention occurs in one name of the entity, else `ngram`;
 * - exactName: 1 when the mention equals one of the entity's names (or a form the annotator confirmed for it)
 *   after normalisation; exactTitle: 1 when it equals the title itself with the same case;
 * - denseMissing: 1 when `dense` was imputed;
 * - nameDense: cosine of the bare mention (no context) and the entity vector (imputed like `dense`);
 * - ngram: character-trigram similarity to the closest name; tokenOverlap: word-token Jaccard with the closest
 *   name; edit: 1 - Levenshtein distance / longer length, to the closest name (archaic and OCR spellings);
 * - exactCase: the mention equals a name (title or alias) with the same case; acronym: the mention is an
 *   acronym of a name ("WHO" - "World Health Organization");
 * - givenPrior: 1 / (1 + position) in a caller-given candidate list (WordNet lists senses by frequency), 0 when
 *   not given; kbPrior: the entity's share of the KB prior (`Entity.prior`, e.g. WordNet sense counts) among
 *   the candidates, add-one smoothed, 0 when no candidate has one;
 * - annotatorPrior: p(entity | surface form) from the annotator's decisions, c(form, e) / (c(form) + 1);
 * - discourse: the share of this document's decisions on the same form that chose the entity;
 * - coherence: cosine of the entity vector and the mean vector of the entities decided, or confidently
 *   predicted, elsewhere in the document;
 * - typeAgreement: the share of decisions on the same form (annotator memory and this document) whose entity
 *   has this entity's type;
 * - nameCount: log(1 + the number of the entity's names in the KB) / log(21): a KB-intrinsic popularity cue
 *   (entities that are often meant collect many aliases), for KBs without an explicit prior;
 * - formPrior: log(1 + the KB's count of the entity under the mention's word) / log(1001), e.g. WordNet's tag
 *   count of the sense (the synset's lemma closest to the mention): how often this word means this entity, where
 *   kbPrior counts the entity under all its names; 0 without a per-form prior (LinkerInit.formPrior).
 */
export interface RankerWeights {
  readonly version: 1 | 2;
  /** A missing feature weighs 0 (a version-1 file names only the first five). */
  readonly weights: Readonly<Partial<Record<FeatureName, number>>>;
  /** Overrides of the linker's NIL decision (see LinkerOptions). */
  readonly nilThreshold?: number;
  readonly minScore?: number;
  /** Where the weights came from (a file, "defaults", a training run). */
  readonly source?: string;
}

/**
 * The hand-set version-1 weights (grid search on the elevant oke train files, 248 mentions): what a model
 * folder without ranker.json got before trained weights shipped; kept as the trainers' reference point.
 */
export const HAND_SET_RANKER_WEIGHTS: RankerWeights = {
  version: 1,
  weights: { dense: 5, lexical: 8, exactName: 4, exactTitle: 2, denseMissing: 0 },
  source: 'hand-set v1',
};

export { DEFAULT_RANKER_WEIGHTS };

export const RANKER_FILE = 'ranker.json';

export function featureVector(f: Readonly<Partial<Record<FeatureName, number>>>): number[] {
  return FEATURE_NAMES.map((n) => f[n] ?? 0);
}

/** The weights in FEATURE_NAMES order (0 for a feature the weights do not name). */
export function weightVector(w: RankerWeights): number[] {
  return FEATURE_NAMES.map((n) => w.weights[n] ?? 0);
}

export function scoreFeatures(w: RankerWeights, features: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < FEATURE_NAMES.length; i++) s += (w.weights[FEATURE_NAMES[i]] ?? 0) * (features[i] ?? 0);
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

/**
 * The JSON object to write as ranker.json: version 1 (readable by older builds) when only the first five
 * features have non-zero weights, else version 2 with every feature named.
 */
export function serializeRankerWeights(w: RankerWeights, source = w.source): Record<string, unknown> {
  const v1 = FEATURE_NAMES.every((n) => (FEATURE_NAMES_V1 as readonly string[]).includes(n) || (w.weights[n] ?? 0) === 0);
  const names: readonly FeatureName[] = v1 ? FEATURE_NAMES_V1 : FEATURE_NAMES;
  return {
    version: v1 ? 1 : 2,
    weights: Object.fromEntries(names.map((n) => [n, w.weights[n] ?? 0])),
    ...(w.nilThreshold === undefined ? {} : { nilThreshold: w.nilThreshold }),
    ...(w.minScore === undefined ? {} : { minScore: w.minScore }),
    ...(source === undefined ? {} : { source }),
  };
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

/**
 * Parses ranker.json. Version 1 names only the first five features (the rest weigh 0, which is what a
 * version-1 ranker computed); version 2 may name any of FEATURE_NAMES (a feature it omits weighs 0).
 */
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
  return rankerWeightsFromJson(json, file);
}

/**
 * Checks a parsed ranker.json object (also the weights inside a learned state). The result's `source` is the
 * file, or with `keepSource` the object's own `source` when it has one.
 */
export function rankerWeightsFromJson(json: unknown, file = RANKER_FILE, keepSource = false): RankerWeights {
  const o = json as { version?: unknown; weights?: Record<string, unknown>; nilThreshold?: unknown; minScore?: unknown; source?: unknown };
  if (typeof o !== 'object' || o === null || (o.version !== 1 && o.version !== 2) || typeof o.weights !== 'object' || o.weights === null) {
    throw new LinkerError('inputFormat', 'The ranker weights must be {"version": 1 or 2, "weights": {...}}.', {
      location: { file },
      hint: `Expected weights for: ${FEATURE_NAMES.join(', ')}.`,
    });
  }
  const known: readonly string[] = o.version === 1 ? FEATURE_NAMES_V1 : FEATURE_NAMES;
  const weights: Partial<Record<FeatureName, number>> = o.version === 1 ? { ...HAND_SET_RANKER_WEIGHTS.weights } : {};
  for (const [k, v] of Object.entries(o.weights)) {
    if (!known.includes(k) || typeof v !== 'number' || !Number.isFinite(v)) {
      throw new LinkerError('inputFormat', `Unknown ranker feature for version ${o.version} or non-numeric weight: "${k}".`, {
        location: { file },
        hint: `Known features: ${known.join(', ')}.`,
      });
    }
    weights[k as FeatureName] = v;
  }
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const nilThreshold = num(o.nilThreshold);
  const minScore = num(o.minScore);
  return {
    version: o.version,
    weights,
    ...(nilThreshold === undefined ? {} : { nilThreshold }),
    ...(minScore === undefined ? {} : { minScore }),
    source: keepSource && typeof o.source === 'string' ? o.source : file,
  };
}
