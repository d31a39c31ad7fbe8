import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FEATURE_NAMES } from '../../../src/core/linker/ranker';
import type { FeatureName, RankerWeights } from '../../../src/core/linker/ranker';
import { exampleFromDecision, rankingLoss, trainRanker } from '../../../src/core/learning/rankerTrainer';
import type { RankingExample } from '../../../src/core/learning/rankerTrainer';
import { SeededRandom } from '../../../src/core/training/seededRandom';

const ZERO: RankerWeights = { version: 2, weights: {}, source: 'zero' };

function vec(values: Partial<Record<FeatureName, number>>): number[] {
  return FEATURE_NAMES.map((n) => values[n] ?? 0);
}

/** Mentions whose gold has the higher `annotatorPrior`, among candidates that tie on dense. */
function examples(n: number, seed = 7): RankingExample[] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: n }, () => {
    const gold = rng.int(4);
    const features = Array.from({ length: 4 }, (_, j) => vec({ dense: 0.5, annotatorPrior: j === gold ? 0.5 + rng.next() / 2 : rng.next() / 2 }));
    return { features, gold };
  });
}

const w = (r: RankerWeights, n: FeatureName): number => r.weights[n] ?? 0;

void test('training learns the weight of the feature that separates the gold, and lowers the loss', () => {
  const ex = examples(200);
  const r = trainRanker(ex, ZERO, { l2: 1 });
  assert.ok(w(r.weights, 'annotatorPrior') > 2, JSON.stringify(r.weights.weights));
  assert.ok(r.lossAfter < r.lossBefore * 0.7, `${r.lossBefore} -> ${r.lossAfter}`);
  assert.equal(r.lossBefore, rankingLoss(ex, FEATURE_NAMES.map(() => 0)));
  assert.equal(r.weights.version, 2);
});

void test('deterministic per seed; the L2 pull keeps few examples near the starting weights', () => {
  const ex = examples(50);
  assert.deepEqual(trainRanker(ex, ZERO, { seed: 3 }).weights, trainRanker(ex, ZERO, { seed: 3 }).weights);
  const start: RankerWeights = { version: 2, weights: { dense: 5 } };
  const loose = trainRanker(ex, start, { l2: 0.01 });
  const tight = trainRanker(ex, start, { l2: 10000 });
  assert.ok(Math.abs(w(tight.weights, 'annotatorPrior')) < 0.1 * Math.abs(w(loose.weights, 'annotatorPrior')));
  assert.ok(Math.abs(w(tight.weights, 'dense') - 5) < 0.05);
  const frozen = trainRanker(ex, start, { frozen: ['annotatorPrior'] });
  assert.equal(w(frozen.weights, 'annotatorPrior'), 0);
});

void test('random negatives teach what the retrieved candidates cannot: they all share the gold\'s exact name', () => {
  const rng = new SeededRandom(1);
  const ex: RankingExample[] = Array.from({ length: 100 }, () => ({
    features: [vec({ exactName: 1, dense: 0.6 }), vec({ exactName: 1, dense: 0.4 })],
    gold: 0,
    random: Array.from({ length: 8 }, () => vec({ dense: 0.3 + rng.next() / 2 })),
  }));
  const hardOnly = trainRanker(ex, ZERO, { randomNegatives: 0, l2: 1 });
  const mixed = trainRanker(ex, ZERO, { randomNegatives: 4, l2: 1 });
  assert.ok(Math.abs(w(hardOnly.weights, 'exactName')) < 0.01);
  assert.ok(w(mixed.weights, 'exactName') > 1, JSON.stringify(mixed.weights.weights));
});

void test('a decision gives an example only with features and the chosen entity among the candidates', () => {
  const cand = (id: string, f: number[] | undefined) => ({ id, title: id, score: 0, probability: 0, signals: { retrievedBy: ['dense' as const] }, ...(f === undefined ? {} : { features: f }) });
  const mention = { start: 0, end: 6, text: 'Dublin', nil: false, margin: 1, hardNegatives: [], candidates: [cand('Q1', vec({ dense: 1 })), cand('Q2', vec({}))] };
  const d = { document: 'd', start: 0, end: 6, text: 'Dublin', action: 'relink' as const, entityId: 'Q2', mention };
  assert.deepEqual(exampleFromDecision(d)?.gold, 1);
  assert.equal(exampleFromDecision({ ...d, entityId: 'Q9' }), undefined);
  assert.equal(exampleFromDecision({ ...d, action: 'nil', entityId: null }), undefined);
  assert.equal(exampleFromDecision({ ...d, mention: { ...mention, candidates: [cand('Q1', undefined), cand('Q2', undefined)] } }), undefined);
});
