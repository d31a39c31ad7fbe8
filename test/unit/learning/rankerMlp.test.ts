import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FEATURE_NAMES, compileRanker, compiledScore, parseRankerWeights, serializeRankerWeights } from '../../../src/core/linker/ranker';
import type { FeatureName, RankerWeights } from '../../../src/core/linker/ranker';
import { averageRankers } from '../../../src/core/learning/rankerEnsemble';
import { OnlineLearner, refitRanker } from '../../../src/core/learning/onlineLearner';
import { trainRanker } from '../../../src/core/learning/rankerTrainer';
import type { RankingExample } from '../../../src/core/learning/rankerTrainer';
import { SeededRandom } from '../../../src/core/training/seededRandom';

const ZERO: RankerWeights = { version: 2, weights: {}, source: 'zero' };

function vec(values: Partial<Record<FeatureName, number>>): number[] {
  return FEATURE_NAMES.map((n) => values[n] ?? 0);
}

/**
 * An interaction no linear ranker can fit: the gold is the candidate whose exactName and acronym agree. With
 * {both, name only, acronym only} the gold is "both" (needs w_name + w_acronym > each alone, so both > 0); with
 * {neither, both} it is "neither" (needs w_name + w_acronym < 0).
 */
function agreement(n: number): RankingExample[] {
  return Array.from({ length: n }, (_, i) =>
    i % 2 === 0
      ? { features: [vec({ exactName: 1, acronym: 1 }), vec({ exactName: 1 }), vec({ acronym: 1 })], gold: 0 }
      : { features: [vec({ exactName: 1, acronym: 1 }), vec({})], gold: 1 },
  );
}

function accuracy(w: RankerWeights, examples: readonly RankingExample[]): number {
  const m = compileRanker(w);
  return examples.filter((ex) => {
    const s = ex.features.map((f) => compiledScore(m, f));
    return s.every((x, j) => j === ex.gold || x < s[ex.gold]);
  }).length / examples.length;
}

void test('hidden units learn an interaction of named features that the linear ranker cannot', () => {
  const ex = agreement(200);
  const linear = trainRanker(ex, ZERO, { l2: 0.1 });
  const mlp = trainRanker(ex, ZERO, { l2: 0.1, hidden: 4, seed: 2 });
  assert.ok(accuracy(linear.weights, ex) <= 0.5 + 1e-9, `linear ${accuracy(linear.weights, ex)}`);
  assert.equal(accuracy(mlp.weights, ex), 1, JSON.stringify(mlp.weights.hidden));
  assert.ok(mlp.lossAfter < linear.lossAfter - 0.2, `${mlp.lossAfter} vs ${linear.lossAfter}`);
  assert.equal(mlp.weights.version, 3);
  assert.equal(mlp.weights.hidden?.length, 4);
  assert.equal(linear.weights.version, 2);
  assert.deepEqual(trainRanker(ex, ZERO, { hidden: 4, seed: 2, l2: 0.1 }).weights, mlp.weights, 'deterministic per seed');
});

void test('an average of rankers scores every row with the mean of their scores, as one ranker of their kind', () => {
  const ex = agreement(40);
  const members = [1, 2, 3].map((seed) => trainRanker(ex, ZERO, { hidden: 2, seed, epochs: 5 }).weights);
  const avg = averageRankers(members);
  assert.equal(avg.hidden?.length, 6);
  const rng = new SeededRandom(4);
  for (let i = 0; i < 20; i++) {
    const row = FEATURE_NAMES.map(() => rng.next());
    const mean = members.reduce((a, w) => a + compiledScore(compileRanker(w), row), 0) / members.length;
    assert.ok(Math.abs(compiledScore(compileRanker(avg), row) - mean) < 1e-3, `${compiledScore(compileRanker(avg), row)} vs ${mean}`);
  }
  assert.equal(averageRankers([ZERO, { version: 2, weights: { dense: 2 } }]).weights.dense, 1);
  assert.equal(averageRankers([ZERO, ZERO]).hidden, undefined);
});

void test('ranker.json version 3 round-trips the hidden units and scores as before', () => {
  const w = trainRanker(agreement(40), ZERO, { hidden: 3, seed: 5, epochs: 5 }).weights;
  const json = serializeRankerWeights(w);
  assert.equal(json.version, 3);
  const back = parseRankerWeights(JSON.stringify(json), 'model/ranker.json');
  const row = vec({ exactName: 1, acronym: 1, dense: 0.3 });
  assert.equal(compiledScore(compileRanker(back), row), compiledScore(compileRanker(w), row));
  assert.equal(back.hidden?.length, 3);
});

void test('an online refit keeps the base kind: a version-3 base keeps its units\' inputs and refits the rest', () => {
  const base: RankerWeights = { version: 3, weights: { dense: 2 }, hidden: [{ bias: 0.1, weights: { dense: 1, kbPrior: -0.5 }, out: 2 }] };
  const decisions: RankingExample[] = Array.from({ length: 30 }, () => ({ features: [vec({ dense: 0.2, kbPrior: 1 }), vec({ dense: 0.9 })], gold: 0 }));
  const r = refitRanker(decisions, base, { l2: 0.1 });
  assert.equal(r.weights.version, 3);
  const inputs = (w: RankerWeights): unknown => ({ bias: compileRanker(w).bias, inputs: compileRanker(w).inputs });
  assert.deepEqual(inputs(r.weights), inputs(base));
  assert.ok((r.weights.weights.kbPrior ?? 0) > 0.5, JSON.stringify(r.weights.weights));
  assert.ok(r.lossAfter < r.lossBefore);
  const full = trainRanker(decisions, base, { l2: 0.1 });
  assert.notDeepEqual(inputs(full.weights), inputs(base), 'trainHidden (the default) moves the inputs');
  const learner = new OnlineLearner({ base });
  const restored = OnlineLearner.fromJSON(JSON.parse(JSON.stringify(learner.toJSON())) as unknown);
  assert.deepEqual(inputs(restored.options.base), inputs(base), 'the learner state keeps a version-3 base');
});
