import type { Entity } from '../kb/entity';
import type { CandidateSignals, LinkedMention, RankedCandidate } from './types';
import { FEATURE_NAMES, compileRanker, compiledScore } from './ranker';
import type { CompiledRanker, FeatureName, RankerWeights } from './ranker';
import type { NameFeatures } from './nameFeatures';

/** One candidate before ranking: its KB row, which retrievers found it, and the raw signals. */
export interface CandidateInput {
  readonly row: number;
  readonly retrievedBy: CandidateSignals['retrievedBy'];
  /** Cosine with the mention vector; undefined when neither retrieved nor computed. */
  readonly dense?: number;
  readonly lexical: number;
  readonly exactName: boolean;
  readonly exactTitle: boolean;
  /** Position in a caller-given candidate list (WordNet lists senses by frequency): the first tie-breaker. */
  readonly givenRank?: number;
  /** Cosine of the bare mention (no context) and the entity; undefined when not computed. */
  readonly nameDense?: number;
  /** The other name signals (see NameFeatures); 0 when absent. */
  readonly names?: Partial<NameFeatures>;
  /** The document-, memory- and KB-level signals of FEATURE_NAMES (0 when absent). */
  readonly kbPrior?: number;
  readonly annotatorPrior?: number;
  readonly discourse?: number;
  readonly coherence?: number;
  readonly typeAgreement?: number;
  readonly nameCount?: number;
  readonly formPrior?: number;
  /** Cosine of the mention's in-context vector and the entity's exemplar centroid (0 when absent). */
  readonly exemplar?: number;
  /** 1 when the mention is a WordNet demonym / pertainym of one of the entity's names (demonyms.ts). */
  readonly demonym?: number;
}

export interface DecisionOptions {
  /** NIL when the best candidate's probability is below this. */
  readonly nilThreshold: number;
  /** NIL when the best candidate's score is below this. */
  readonly minScore: number;
  readonly topK: number;
  readonly hardNegatives: number;
}

/** One mention's candidates with their feature rows (FEATURE_NAMES order) and scores, in input order. */
export interface ScoredMention {
  readonly inputs: readonly CandidateInput[];
  readonly features: readonly number[][];
  readonly scores: number[];
}

/** Position of each feature in a feature row. */
export const FEATURE_INDEX: Readonly<Record<FeatureName, number>> = Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, i])) as Record<FeatureName, number>;

/** The linear score of one feature row: the weights and features multiplied and summed in FEATURE_NAMES order. */
export function linearScore(w: readonly number[], features: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i] * features[i];
  return s;
}

/** What scores a row: linear weights (weightVector) or a compiled ranker (compileRanker, also hidden units). */
export type RowScorer = readonly number[] | CompiledRanker;

function rowScore(w: RowScorer, features: readonly number[]): number {
  return 'linear' in w ? compiledScore(w, features) : linearScore(w, features);
}

/**
 * The feature rows and scores of a mention's candidates. `w` is compileRanker(weights) (or a linear weight
 * vector), computed once per call.
 * The dense cosine of an entity the dense retriever did not return is imputed from the lowest retrieved one
 * (an upper bound of the true value) and flagged by `denseMissing`; `nameDense` likewise.
 */
export function scoreMention(inputs: readonly CandidateInput[], w: RowScorer): ScoredMention {
  let denseFloor = Infinity;
  let nameFloor = Infinity;
  for (const c of inputs) {
    if (c.dense !== undefined && c.dense < denseFloor) denseFloor = c.dense;
    if (c.nameDense !== undefined && c.nameDense < nameFloor) nameFloor = c.nameDense;
  }
  if (denseFloor === Infinity) denseFloor = 0;
  if (nameFloor === Infinity) nameFloor = 0;
  const I = FEATURE_INDEX;
  const features = inputs.map((c) => {
    const f = new Array<number>(FEATURE_NAMES.length).fill(0);
    f[I.dense] = c.dense ?? denseFloor;
    f[I.lexical] = c.lexical;
    f[I.exactName] = c.exactName ? 1 : 0;
    f[I.exactTitle] = c.exactTitle ? 1 : 0;
    f[I.denseMissing] = c.dense === undefined ? 1 : 0;
    f[I.nameDense] = c.nameDense ?? nameFloor;
    f[I.ngram] = c.names?.ngram ?? 0;
    f[I.tokenOverlap] = c.names?.tokenOverlap ?? 0;
    f[I.edit] = c.names?.edit ?? 0;
    f[I.exactCase] = c.names?.exactCase ?? 0;
    f[I.acronym] = c.names?.acronym ?? 0;
    f[I.givenPrior] = c.givenRank === undefined ? 0 : 1 / (1 + c.givenRank);
    f[I.kbPrior] = c.kbPrior ?? 0;
    f[I.annotatorPrior] = c.annotatorPrior ?? 0;
    f[I.discourse] = c.discourse ?? 0;
    f[I.coherence] = c.coherence ?? 0;
    f[I.typeAgreement] = c.typeAgreement ?? 0;
    f[I.nameCount] = c.nameCount ?? 0;
    f[I.formPrior] = c.formPrior ?? 0;
    f[I.exemplar] = c.exemplar ?? 0;
    f[I.demonym] = c.demonym ?? 0;
    return f;
  });
  return { inputs, features, scores: features.map((f) => rowScore(w, f)) };
}

/** Replaces one feature of every candidate (e.g. coherence, known after a first look) and rescores them. */
export function setFeature(scored: ScoredMention, name: FeatureName, values: readonly number[], w: RowScorer): void {
  const k = FEATURE_INDEX[name];
  scored.features.forEach((f, i) => {
    f[k] = values[i];
    scored.scores[i] = rowScore(w, f);
  });
}

/**
 * Sorts and decides one scored mention. Probabilities are a softmax over every candidate (not only the `topK`
 * returned), so they mean the same whatever `topK` the caller asks for; only the returned candidates (and hard
 * negatives) are built.
 */
export function decideMention(span: { readonly start: number; readonly end: number; readonly text: string }, scored: ScoredMention, entities: readonly Entity[], decision: DecisionOptions): LinkedMention {
  const { inputs, scores } = scored;
  // Ties break on the order of a given candidate list (the caller's prior, e.g. WordNet's most frequent sense
  // first), then on KB row, so results never depend on retrieval order.
  const order = inputs.map((_, i) => i);
  order.sort((a, b) => scores[b] - scores[a] || (inputs[a].givenRank ?? Infinity) - (inputs[b].givenRank ?? Infinity) || inputs[a].row - inputs[b].row);
  // Softmax shifted by the maximum (the first after sorting), summed in rank order.
  const max = order.length === 0 ? 0 : scores[order[0]];
  let sum = 0;
  for (const i of order) sum += Math.exp(scores[i] - max);
  const built = Math.min(order.length, Math.max(decision.topK, decision.hardNegatives + 1));
  const ranked: RankedCandidate[] = [];
  for (let r = 0; r < built; r++) {
    const i = order[r];
    const c = inputs[i];
    const e = entities[c.row];
    const signals: CandidateSignals = {
      ...(c.dense === undefined ? {} : { dense: c.dense }),
      lexical: c.lexical,
      exactName: c.exactName,
      retrievedBy: c.retrievedBy,
    };
    ranked.push({ id: e.id, title: e.title, score: scores[i], probability: Math.exp(scores[i] - max) / sum, signals, features: scored.features[i] });
  }
  const best = ranked[0];
  const nil = best === undefined || best.probability < decision.nilThreshold || best.score < decision.minScore;
  const margin = order.length < 2 ? Infinity : scores[order[0]] - scores[order[1]];
  // With a NIL decision nothing was chosen, so every top candidate is a negative.
  const negatives = nil ? ranked : ranked.slice(1);
  return {
    start: span.start,
    end: span.end,
    text: span.text,
    candidates: ranked.slice(0, decision.topK),
    nil,
    margin,
    hardNegatives: negatives.slice(0, decision.hardNegatives),
  };
}

/** Scores, sorts and decides one mention (scoreMention then decideMention). */
export function rankMention(
  span: { readonly start: number; readonly end: number; readonly text: string },
  inputs: readonly CandidateInput[],
  entities: readonly Entity[],
  weights: RankerWeights,
  decision: DecisionOptions,
): LinkedMention {
  return decideMention(span, scoreMention(inputs, compileRanker(weights)), entities, decision);
}
