import type { Entity } from '../kb/entity';
import type { CandidateSignals, LinkedMention, RankedCandidate } from './types';
import { featureVector, scoreFeatures, softmax } from './ranker';
import type { RankerWeights } from './ranker';
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
}

export interface DecisionOptions {
  /** NIL when the best candidate's probability is below this. */
  readonly nilThreshold: number;
  /** NIL when the best candidate's score is below this. */
  readonly minScore: number;
  readonly topK: number;
  readonly hardNegatives: number;
}

/**
 * Scores, sorts and decides one mention. Probabilities are a softmax over every retrieved candidate (not only
 * the `topK` returned), so they mean the same whatever `topK` the caller asks for.
 */
export function rankMention(
  span: { readonly start: number; readonly end: number; readonly text: string },
  inputs: readonly CandidateInput[],
  entities: readonly Entity[],
  weights: RankerWeights,
  decision: DecisionOptions,
): LinkedMention {
  const retrievedDense = inputs.map((c) => c.dense).filter((d): d is number => d !== undefined);
  // The lowest retrieved cosine bounds the cosine of any entity the dense retriever did not return.
  const denseFloor = retrievedDense.length > 0 ? Math.min(...retrievedDense) : 0;
  const nameDense = inputs.map((c) => c.nameDense).filter((d): d is number => d !== undefined);
  const nameFloor = nameDense.length > 0 ? Math.min(...nameDense) : 0;
  const scored = inputs.map((c) => {
    const features = featureVector({
      dense: c.dense ?? denseFloor,
      lexical: c.lexical,
      exactName: c.exactName ? 1 : 0,
      exactTitle: c.exactTitle ? 1 : 0,
      denseMissing: c.dense === undefined ? 1 : 0,
      nameDense: c.nameDense ?? nameFloor,
      ngram: c.names?.ngram ?? 0,
      tokenOverlap: c.names?.tokenOverlap ?? 0,
      edit: c.names?.edit ?? 0,
      exactCase: c.names?.exactCase ?? 0,
      acronym: c.names?.acronym ?? 0,
      givenPrior: c.givenRank === undefined ? 0 : 1 / (1 + c.givenRank),
      kbPrior: c.kbPrior ?? 0,
      annotatorPrior: c.annotatorPrior ?? 0,
      discourse: c.discourse ?? 0,
      coherence: c.coherence ?? 0,
      typeAgreement: c.typeAgreement ?? 0,
      nameCount: c.nameCount ?? 0,
    });
    return { c, features, score: scoreFeatures(weights, features) };
  });
  // Ties break on the order of a given candidate list (the caller's prior, e.g. WordNet's most frequent sense
  // first), then on KB row, so results never depend on retrieval order.
  scored.sort((a, b) => b.score - a.score || (a.c.givenRank ?? Infinity) - (b.c.givenRank ?? Infinity) || a.c.row - b.c.row);
  const probs = softmax(scored.map((s) => s.score));
  const ranked: RankedCandidate[] = scored.map((s, i) => {
    const e = entities[s.c.row];
    const signals: CandidateSignals = {
      ...(s.c.dense === undefined ? {} : { dense: s.c.dense }),
      lexical: s.c.lexical,
      exactName: s.c.exactName,
      retrievedBy: s.c.retrievedBy,
    };
    return { id: e.id, title: e.title, score: s.score, probability: probs[i], signals, features: s.features };
  });
  const best = ranked[0];
  const nil = best === undefined || best.probability < decision.nilThreshold || best.score < decision.minScore;
  const margin = ranked.length < 2 ? Infinity : ranked[0].score - ranked[1].score;
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
