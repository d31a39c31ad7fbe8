import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TokenStates } from '../../../src/core/encoder/encoder';
import { somScores } from '../../../src/core/som/somScorer';
import { identityProjections, somExampleLoss, trainSom } from '../../../src/core/som/somTrainer';
import type { SomExample } from '../../../src/core/som/somTrainer';
import { SeededRandom } from '../../../src/core/training/seededRandom';

function randomStates(rng: SeededRandom, tokens: number, dims: number): TokenStates {
  return { tokens, dims, data: Float32Array.from({ length: tokens * dims }, () => rng.next() * 2 - 1) };
}

for (const withOffsets of [false, true]) void test(`the hand-written gradient matches finite differences of the loss${withOffsets ? ' with fixed per-candidate offsets' : ''}`, () => {
  const rng = new SeededRandom(3);
  const dims = 5;
  const p = { inDims: dims, outDims: 3, mention: Float32Array.from({ length: 15 }, () => rng.next() - 0.5), entity: Float32Array.from({ length: 15 }, () => rng.next() - 0.5) };
  const base: SomExample = { mention: randomStates(rng, 3, dims), candidates: [randomStates(rng, 4, dims), randomStates(rng, 2, dims), randomStates(rng, 3, dims)], gold: 1 };
  const ex: SomExample = withOffsets ? { ...base, offsets: [0.5, -1, 2] } : base;
  const extra = [randomStates(rng, 2, dims)];
  const grads = { mention: new Float32Array(15), entity: new Float32Array(15) };
  somExampleLoss(p, ex, extra, 5, grads);
  const h = 1e-3;
  let checked = 0;
  for (const side of ['mention', 'entity'] as const) {
    for (let i = 0; i < 15; i++) {
      const v = p[side][i]!;
      p[side][i] = v + h;
      const up = somExampleLoss(p, ex, extra, 5);
      p[side][i] = v - h;
      const down = somExampleLoss(p, ex, extra, 5);
      p[side][i] = v;
      const numeric = (up - down) / (2 * h);
      assert.ok(Math.abs(numeric - grads[side][i]!) < 2e-3 + 0.02 * Math.abs(numeric), `${side}[${i}]: numeric ${numeric} vs analytic ${grads[side][i]}`);
      checked += numeric !== 0 ? 1 : 0;
    }
  }
  assert.ok(checked > 20, 'the gradient is not trivially zero');
  if (withOffsets) assert.notEqual(somExampleLoss(p, ex, extra, 5), somExampleLoss(p, base, extra, 5), 'offsets enter the loss');
});

/**
 * Mentions name a topic on axis t (0-2), their gold entity on axis t + 3; every text also has a shared token on
 * axis 6. The identity projections see only the shared token (chance); trained ones can map axis t onto t + 3.
 */
function topicExamples(n: number, seed: number): SomExample[] {
  const rng = new SeededRandom(seed);
  const dims = 7;
  const token = (axis: number): number[] => Array.from({ length: dims }, (_, d) => (d === axis ? 1 : (rng.next() - 0.5) * 0.2));
  const text = (axis: number): TokenStates => ({ tokens: 2, dims, data: Float32Array.from([...token(axis), ...token(6)]) });
  return Array.from({ length: n }, () => {
    const topic = rng.int(3);
    const gold = rng.int(3);
    const others = [0, 1, 2].filter((t) => t !== topic);
    const candidates = [0, 1, 2].map((k) => text(3 + (k === gold ? topic : others[k < gold ? k : k - 1]!)));
    return { mention: text(topic), candidates, gold };
  });
}

void test('training learns projections that rank the gold first on held-out examples, deterministically per seed', () => {
  const train = topicExamples(300, 1);
  const test_ = topicExamples(100, 2);
  const accuracy = (p: ReturnType<typeof identityProjections>): number =>
    test_.filter((ex) => {
      const s = somScores(p, ex.mention, ex.candidates);
      return s.indexOf(Math.max(...s)) === ex.gold;
    }).length / test_.length;
  const init = identityProjections(7, 7);
  const before = accuracy(init);
  const r = trainSom(train, init, { seed: 1, epochs: 20, batchSize: 16, lr: 0.02, scale: 5 });
  assert.ok(r.lossAfter < r.lossBefore, `${r.lossBefore} -> ${r.lossAfter}`);
  assert.ok(accuracy(r.projections) > 0.9 && before < 0.6, `accuracy ${before} -> ${accuracy(r.projections)}`);
  assert.deepEqual(Array.from(init.mention.slice(0, 3)), [1, 0, 0], 'init is not modified');
  const again = trainSom(train, init, { seed: 1, epochs: 20, batchSize: 16, lr: 0.02, scale: 5 });
  assert.deepEqual(Array.from(again.projections.entity), Array.from(r.projections.entity));
});
