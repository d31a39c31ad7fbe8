import { throwIfAborted } from '../errors';
import { FEATURE_NAMES, compileRanker, compiledScore } from '../linker/ranker';
import type { CompiledRanker, FeatureName, KbKind, RankerWeights } from '../linker/ranker';
import { kbKindOfCandidates } from '../linker/rankerProfiles';
import { logSumExp } from '../training/denseMath';
import { SeededRandom } from '../training/seededRandom';
import type { AnnotatorDecision } from './decision';
import { decisionEntity } from './decision';
import { RankerParameters } from './rankerParameters';

/**
 * Fits the linear ranker (ranker.ts) with the listwise contrastive loss of Zhang & Stratos (2021): for each
 * mention, softmax cross-entropy of the gold candidate against the others. The other retrieved candidates are
 * the hard negatives (the ones the linker already confuses with the gold); an example may also carry random KB
 * negatives, of which `randomNegatives` are drawn per epoch (the paper's mixed negatives). L2 pulls the weights
 * toward the starting ones, so a few decisions adjust the shipped ranker instead of replacing it.
 * Deterministic for a seed (mini-batch order and the random negatives drawn).
 */
export interface RankingExample {
  /** Feature vectors (FEATURE_NAMES order) of the retrieved candidates, the gold among them. */
  readonly features: readonly (readonly number[])[];
  /** Index of the gold candidate in `features`. */
  readonly gold: number;
  /** Feature vectors of random KB entities (never the gold) for the mixed negatives. */
  readonly random?: readonly (readonly number[])[];
  /** Weight of the example in the loss (default 1). */
  readonly weight?: number;
  /**
   * The kind of the candidates (kbKindOfCandidates): a refit trains that kind's profile of a version-4 ranker
   * (refitRanker); absent, the top-level weights.
   */
  readonly profile?: KbKind;
}

export interface TrainOptions {
  readonly seed: number;
  readonly epochs: number;
  /** At least this many optimiser steps (more epochs over few examples), so a handful of decisions converge. */
  readonly minSteps: number;
  /** Adam step size. */
  readonly learningRate: number;
  /**
   * The L2 pull toward the starting weights, in examples: the objective is the summed loss plus
   * l2/2 * |w - w0|^2, so ten decisions move the weights a little and thousands move them freely.
   */
  readonly l2: number;
  readonly batchSize: number;
  /** Random negatives drawn per example per epoch from `RankingExample.random`. */
  readonly randomNegatives: number;
  /** Features held at their starting weight in the linear term (e.g. ones the training data never exercises). */
  readonly frozen: readonly FeatureName[];
  /**
   * Hidden units to add when the starting weights have none (0: train the linear ranker). Starting weights with
   * hidden units are trained as they are (their kind is kept).
   */
  readonly hidden: number;
  /** Train the hidden units' input weights and biases too (false: only the linear term and the units' outputs). */
  readonly trainHidden: boolean;
  readonly signal?: AbortSignal;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  seed: 1,
  epochs: 40,
  minSteps: 300,
  learningRate: 0.1,
  l2: 5,
  batchSize: 64,
  randomNegatives: 16,
  frozen: [],
  hidden: 0,
  trainHidden: true,
};

export interface TrainResult {
  readonly weights: RankerWeights;
  /** Mean weighted loss over the examples' retrieved candidates before and after. */
  readonly lossBefore: number;
  readonly lossAfter: number;
  readonly examples: number;
  readonly ms: number;
}

/**
 * The ranking example a decision gives: the candidates the linker showed, with the chosen entity as the gold.
 * Undefined when the decision chose no entity, has no features, or chose an entity outside the candidates.
 */
export function exampleFromDecision(d: AnnotatorDecision): RankingExample | undefined {
  const id = decisionEntity(d);
  const candidates = d.mention?.candidates ?? [];
  if (id === undefined || candidates.length < 2) return undefined;
  const gold = candidates.findIndex((c) => c.id === id);
  if (gold < 0 || candidates.some((c) => c.features === undefined || c.features.length !== FEATURE_NAMES.length)) return undefined;
  return { features: candidates.map((c) => [...(c.features as readonly number[])]), gold, profile: kbKindOfCandidates(candidates) };
}

/** Mean weighted listwise loss of a ranker (linear weights or compiled) on the examples' retrieved candidates. */
export function rankingLoss(examples: readonly RankingExample[], w: readonly number[] | CompiledRanker): number {
  const score = (x: readonly number[]): number => ('linear' in w ? compiledScore(w, x) : dotw(w, x));
  let total = 0;
  let weight = 0;
  for (const ex of examples) {
    const s = ex.features.map(score);
    total += (ex.weight ?? 1) * (logSumExp(s) - s[ex.gold]);
    weight += ex.weight ?? 1;
  }
  return weight === 0 ? 0 : total / weight;
}

/**
 * Trains a ranker of the starting weights' kind: linear, or with hidden units (version 3) when `init` has them
 * or `options.hidden` adds them (a residual MLP: the linear term plus tanh units; new units start small, so
 * training begins at the linear ranker). Every parameter is pulled toward its starting value by the L2 term
 * (new units toward 0).
 */
export function trainRanker(examples: readonly RankingExample[], init: RankerWeights, options: Partial<TrainOptions> = {}): TrainResult {
  const o = { ...DEFAULT_TRAIN_OPTIONS, ...options };
  const t = performance.now();
  const rng = new SeededRandom(o.seed);
  const net = RankerParameters.from(init, o.hidden, rng);
  const lossBefore = rankingLoss(examples, compileRanker(init));
  const theta0 = Float64Array.from(net.theta);
  // New hidden units are pulled toward 0 (their random start is only a symmetry breaker).
  for (let j = (init.hidden ?? []).length; j < net.units; j++) theta0.fill(0, net.unitOffset(j), net.unitOffset(j + 1));
  const trainable = net.trainableMask(o.frozen, o.trainHidden);
  const usable = examples.filter((ex) => ex.features.length >= 2 || (ex.random?.length ?? 0) > 0);
  const p = net.theta.length;
  const m = new Float64Array(p);
  const v = new Float64Array(p);
  const grad = new Float64Array(p);
  const totalWeight = usable.reduce((a, ex) => a + (ex.weight ?? 1), 0);
  let step = 0;
  const order = usable.map((_, i) => i);
  const batches = Math.ceil(usable.length / o.batchSize);
  const epochs = batches === 0 ? 0 : Math.max(o.epochs, Math.ceil(o.minSteps / batches));
  const totalSteps = epochs * batches;
  for (let epoch = 0; epoch < epochs; epoch++) {
    throwIfAborted(o.signal);
    rng.shuffle(order);
    for (let b = 0; b < order.length; b += o.batchSize) {
      grad.fill(0);
      let batchWeight = 0;
      for (const i of order.slice(b, b + o.batchSize)) {
        const ex = usable[i];
        const rows = withRandom(ex, o.randomNegatives, rng);
        const ew = ex.weight ?? 1;
        batchWeight += ew;
        const s = rows.map((x) => net.score(x));
        const lse = logSumExp(s);
        rows.forEach((x, j) => net.addGradient(x, ew * (Math.exp(s[j] - lse) - (j === ex.gold ? 1 : 0)), grad));
      }
      step++;
      // Linear decay to a tenth of the step size, so the last epochs settle instead of circling the optimum.
      const rate = o.learningRate * (1 - (0.9 * (step - 1)) / Math.max(1, totalSteps - 1));
      const theta = net.theta;
      for (let k = 0; k < p; k++) {
        if (!trainable[k]) continue;
        const g = grad[k] / batchWeight + (o.l2 / totalWeight) * (theta[k] - theta0[k]);
        m[k] = 0.9 * m[k] + 0.1 * g;
        v[k] = 0.999 * v[k] + 0.001 * g * g;
        const mh = m[k] / (1 - 0.9 ** step);
        const vh = v[k] / (1 - 0.999 ** step);
        theta[k] -= (rate * mh) / (Math.sqrt(vh) + 1e-8);
      }
    }
  }
  const weights: RankerWeights = { ...net.weights(init), source: `trained on ${examples.length} examples (seed ${o.seed}) from ${init.source ?? 'the given weights'}` };
  return { weights, lossBefore, lossAfter: rankingLoss(examples, compileRanker(weights)), examples: examples.length, ms: performance.now() - t };
}

/** The example's candidates plus `k` of its random negatives (drawn with replacement when it has fewer). */
function withRandom(ex: RankingExample, k: number, rng: SeededRandom): readonly (readonly number[])[] {
  const pool = ex.random ?? [];
  if (k <= 0 || pool.length === 0) return ex.features;
  const rows = [...ex.features];
  if (pool.length <= k) rows.push(...pool);
  else for (let i = 0; i < k; i++) rows.push(pool[rng.int(pool.length)]);
  return rows;
}

function dotw(w: readonly number[], x: readonly number[]): number {
  let s = 0;
  for (let k = 0; k < w.length; k++) s += w[k] * (x[k] ?? 0);
  return s;
}

