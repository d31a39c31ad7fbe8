import { createHash } from 'node:crypto';
import { throwIfAborted } from '../errors';
import type { GoldDocument } from '../formats/goldDocument';
import { exemplarsFromGold } from '../learning/exemplarTraining';
import { refitRanker } from '../learning/onlineLearner';
import { averageRankers } from '../learning/rankerEnsemble';
import type { RankingExample, TrainOptions } from '../learning/rankerTrainer';
import type { Linker } from '../linker/linker';
import { type CompiledRanker, type KbKind, type RankerWeights, compileRanker, compiledScore } from '../linker/ranker';
import { kbKindOfCandidates, rankerForKind } from '../linker/rankerProfiles';
import { type GoldReading, goldSpanRequests, learnedStateOf, memoryFromGold } from './finetuneRanker';

/**
 * Cross-fitted selection for `finetune`: instead of one seeded 20% dev split (62 in-KB mentions on elevant, so
 * one mention moves the dev accuracy by 1.6 points and the epoch chosen is mostly noise), the training documents
 * are dealt into K folds and every fold is linked by a head and with a learned state that never saw it, and scored
 * by a ranker fitted on the other folds. The accuracy is pooled over every training mention; the ranker shipped is
 * the average of the K fold rankers (each fitted on features as the test documents will have them: the head and
 * the memory did not see the mention).
 */

/** One in-KB gold mention as the linker saw it: its candidates' feature rows and the gold's index (-1: not retrieved). */
export interface FoldMention {
  readonly features: readonly (readonly number[])[];
  readonly gold: number;
  /** The KB kind of the candidates: a version-4 ranker scores the mention with that kind's profile. */
  readonly profile?: KbKind;
}

/** Candidates scored per mention (the retrieved set is the hard negatives). */
const FOLD_DEPTH = 64;

/**
 * Deals documents into `k` folds of nearly equal size: ordered by a hash of the seed and the key, then dealt
 * round-robin (a function of the seed and the keys only; documents sharing a key land in the same fold).
 */
export function documentFolds<T>(docs: readonly T[], k: number, seed: number, key: (d: T) => string): T[][] {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`cross-fitting needs at least 2 folds, got ${k}`);
  const hash = (id: string): string => createHash('sha256').update(`${seed}\u0000fold\u0000${id}`, 'utf8').digest('hex');
  const keys = [...new Set(docs.map(key))].sort((a, b) => (hash(a) < hash(b) ? -1 : hash(a) > hash(b) ? 1 : 0));
  const foldOfKey = new Map(keys.map((id, i) => [id, i % k]));
  const folds: T[][] = Array.from({ length: k }, () => []);
  for (const d of docs) folds[foldOfKey.get(key(d))!]!.push(d);
  return folds;
}

/** The documents of every fold but `k`. */
export function otherFolds<T>(folds: readonly (readonly T[])[], k: number): T[] {
  return folds.flatMap((f, i) => (i === k ? [] : f));
}

/**
 * Links the gold spans of a fold's documents with the linker as it is set (its encoder's head) and the learned
 * state of the other folds' documents (their forms, prior and exemplars), and keeps every in-KB mention's
 * candidate features.
 */
export async function linkFold(linker: Linker, fold: readonly GoldDocument[], others: readonly GoldDocument[], reading: GoldReading, signal?: AbortSignal): Promise<FoldMention[]> {
  // The other folds' exemplars through the linker's encoder as it is set (the fold's head), as their memory.
  const exemplars = (await exemplarsFromGold(linker, others, reading.mapGold, signal)).toJSON();
  linker.setLearnedState(learnedStateOf(memoryFromGold(others, reading), undefined, exemplars));
  const out: FoldMention[] = [];
  try {
    for (const doc of fold) {
      throwIfAborted(signal);
      const spans = goldSpanRequests(doc, reading);
      if (spans.length === 0) continue;
      const linked = await linker.linkSpans(doc.text, spans.map((s) => s.request), { signal, topK: FOLD_DEPTH });
      linked.forEach((l, i) => {
        const complete = l.candidates.every((c) => c.features !== undefined);
        const gold = complete ? l.candidates.findIndex((c) => spans[i]!.goldIds.includes(c.id)) : -1;
        out.push({ features: complete ? l.candidates.map((c) => [...c.features!]) : [], gold, profile: kbKindOfCandidates(l.candidates) });
      });
    }
  } finally {
    linker.setLearnedState(undefined);
  }
  return out;
}

/** Mentions whose gold the weights score highest among the candidates (ties count as wrong); a gold not retrieved is wrong. */
export function rowsCorrect(weights: RankerWeights, mentions: readonly FoldMention[]): number {
  const byKind = new Map<KbKind | undefined, CompiledRanker>();
  let correct = 0;
  for (const m of mentions) {
    if (m.gold < 0) continue;
    let compiled = byKind.get(m.profile);
    if (compiled === undefined) byKind.set(m.profile, (compiled = compileRanker(rankerForKind(weights, m.profile))));
    const gold = compiledScore(compiled, m.features[m.gold]!);
    if (m.features.every((row, i) => i === m.gold || compiledScore(compiled, row) < gold)) correct++;
  }
  return correct;
}

export function rankingExamplesOf(mentions: readonly FoldMention[]): RankingExample[] {
  return mentions.filter((m) => m.gold >= 0 && m.features.length >= 2).map((m) => ({ features: m.features, gold: m.gold, ...(m.profile === undefined ? {} : { profile: m.profile }) }));
}

export interface CrossFit {
  /** Pooled out-of-fold accuracy of the rankers refitted on the other folds (at the chosen pull), and of the base weights as they are. */
  readonly refitAccuracy: number;
  readonly baseAccuracy: number;
  /** The pull toward the base weights (TrainOptions.l2) that scored best out of fold. */
  readonly l2: number;
  /** Out-of-fold accuracy per pull tried. */
  readonly byL2: Readonly<Record<string, number>>;
  readonly mentions: number;
  /** The average of the K fold rankers (what ships when refitting wins). */
  readonly weights: RankerWeights;
  readonly examples: number;
  readonly goldNotRetrieved: number;
}

/**
 * Pulls toward the base weights tried when the caller fixes none: the trainer's default (5, in examples: a few
 * hundred mentions move the weights freely) and two stronger ones, so a refit on a few hundred mentions of
 * other domains can stay near the shipped weights when that is what scores best out of fold.
 */
export const L2_GRID: readonly number[] = [5, 50, 500];

/**
 * Fits a ranker per fold on the other folds' mentions (from `base`, pulled toward it, for every pull of the grid
 * unless `train.l2` fixes one) and scores it on the fold; the pull with the best pooled accuracy is kept (ties go
 * to the stronger pull).
 */
export function crossFit(folds: readonly (readonly FoldMention[])[], base: RankerWeights, train: Partial<TrainOptions>, signal?: AbortSignal): CrossFit {
  const grid = train.l2 === undefined ? [...L2_GRID].sort((a, b) => b - a) : [train.l2];
  const all = folds.flat();
  const n = Math.max(1, all.length);
  const kept = folds.reduce((a, fold) => a + rowsCorrect(base, fold), 0);
  let best: { l2: number; correct: number; fits: RankerWeights[] } | undefined;
  const byL2: Record<string, number> = {};
  for (const l2 of grid) {
    let correct = 0;
    const fits: RankerWeights[] = [];
    folds.forEach((fold, k) => {
      const fitted = refitRanker(rankingExamplesOf(otherFolds(folds, k)), base, { ...train, l2 }, signal).weights;
      fits.push(fitted);
      correct += rowsCorrect(fitted, fold);
    });
    byL2[String(l2)] = correct / n;
    if (best === undefined || correct > best.correct) best = { l2, correct, fits };
  }
  return {
    refitAccuracy: best!.correct / n,
    baseAccuracy: kept / n,
    l2: best!.l2,
    byL2,
    mentions: all.length,
    weights: mergeEqualUnits(averageRankers(best!.fits)),
    examples: rankingExamplesOf(all).length,
    goldNotRetrieved: all.filter((m) => m.gold < 0).length,
  };
}

/**
 * Hidden units that differ only in their output weight summed into one: the fold refits keep a version-3
 * parent's units' inputs (refitRanker), so their average is the parent's units with averaged outputs.
 */
export function mergeEqualUnits(w: RankerWeights): RankerWeights {
  const merge = (units: RankerWeights['hidden']): RankerWeights['hidden'] => {
    if (units === undefined) return undefined;
    const byInputs = new Map<string, { bias: number; weights: (typeof units)[number]['weights']; out: number }>();
    for (const u of units) {
      const key = JSON.stringify([u.bias, Object.entries(u.weights).sort(([a], [b]) => (a < b ? -1 : 1))]);
      const into = byInputs.get(key);
      if (into === undefined) byInputs.set(key, { bias: u.bias, weights: u.weights, out: u.out });
      else into.out = Math.round((into.out + u.out) * 10000) / 10000;
    }
    return [...byInputs.values()];
  };
  const profiles = w.profiles === undefined ? undefined : Object.fromEntries(Object.entries(w.profiles).map(([k, p]) => [k, p === undefined ? p : { ...p, ...(p.hidden === undefined ? {} : { hidden: merge(p.hidden) }) }]));
  return { ...w, ...(w.hidden === undefined ? {} : { hidden: merge(w.hidden) }), ...(profiles === undefined ? {} : { profiles }) };
}
