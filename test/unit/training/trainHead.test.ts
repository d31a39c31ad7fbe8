import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LinkerError } from '../../../src/core/errors';
import { mineCandidates, negativeShares, recallAtK } from '../../../src/core/training/negativeMining';
import { SeededRandom } from '../../../src/core/training/seededRandom';
import { DEFAULT_HEAD_TRAINING, evaluateHead, headTrainingOptions, trainHead } from '../../../src/core/training/trainHead';
import { identityHead } from '../../../src/core/encoder/finetuned/head';
import { syntheticProblem } from '../../fixtures/training/syntheticProblem';

const FAST = { epochs: 6, numNegatives: 8, batchSize: 8, patience: 6, optimizer: { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-6, weightDecay: 0.01, warmupFraction: 0.1, clipNorm: 1 } };

void test('training raises dev recall@1 where the base encoder confuses paired entities', async () => {
  const data = syntheticProblem();
  const base = evaluateHead(identityHead(data.dims, 20), data, data.dev);
  assert.ok(base['recall@1'] < 0.8, `the base model should be confused (recall@1 ${base['recall@1']})`);
  for (const [negatives, trainEntitySide] of [['random', false], ['hard', false], ['mixed', false], ['mixed', true]] as const) {
    const result = await trainHead(data, { ...FAST, negatives, seed: 1, trainEntitySide });
    assert.equal(result.before['recall@1'], base['recall@1']);
    assert.ok(result.after['recall@1'] >= base['recall@1'] + 0.15, `${negatives}: recall@1 ${base['recall@1']} -> ${result.after['recall@1']}`);
    assert.equal(result.head.entity.some((v) => v !== 0), trainEntitySide, 'the entity map moves only when trained');
    assert.ok(result.epochs.length >= 1 && result.epochs.every((e) => Number.isFinite(e.loss)));
  }
});

void test('training is deterministic for a seed and differs across seeds', async () => {
  const data = syntheticProblem();
  const a = await trainHead(data, { ...FAST, epochs: 2, seed: 5 });
  const b = await trainHead(data, { ...FAST, epochs: 2, seed: 5 });
  const c = await trainHead(data, { ...FAST, epochs: 2, seed: 6 });
  assert.deepEqual(Buffer.from(a.head.mention.buffer), Buffer.from(b.head.mention.buffer));
  assert.deepEqual(Buffer.from(a.head.entity.buffer), Buffer.from(b.head.entity.buffer));
  assert.deepEqual(a.epochs.map((e) => e.loss), b.epochs.map((e) => e.loss));
  assert.notDeepEqual(a.epochs.map((e) => e.loss), c.epochs.map((e) => e.loss));
});

void test('the gold and declared duplicates are never negatives, for every strategy and with sampling', () => {
  const data = syntheticProblem();
  const dims = data.dims;
  const rng = new SeededRandom(2);
  const n = data.entityVectors.length / dims;
  for (const strategy of ['random', 'hard', 'mixed'] as const) {
    for (const sampleTemperature of [undefined, 0.5]) {
      for (const ex of data.train) {
        const example = { ...ex, goldRows: [ex.goldRows[0]!, (ex.goldRows[0]! + 3) % n], excludedRows: [(ex.goldRows[0]! + 1) % n] };
        const mined = mineCandidates(data.mentionVectors, ex.mentionRow * dims, data.entityVectors, dims, example, { strategy, count: 10, rng, sampleTemperature });
        assert.ok(example.goldRows.includes(mined.candidates[0]!), 'a gold is the target');
        const negatives = mined.candidates.slice(1);
        assert.equal(negatives.length, 10);
        assert.equal(new Set(negatives).size, negatives.length, 'no repeated negative');
        for (const r of negatives) {
          assert.ok(!example.goldRows.includes(r) && !example.excludedRows.includes(r), `${strategy}: row ${r} is gold or a duplicate`);
        }
        if (sampleTemperature !== undefined && strategy !== 'random') assert.equal(mined.correction?.length, 11);
      }
    }
  }
  assert.deepEqual(negativeShares('mixed', 64), { hard: 32, random: 32 });
});

void test('hard negatives are the top-scoring wrong entities; candidate sets come first', () => {
  const dims = 2;
  const entities = Float32Array.of(1, 0, 0.9, 0.1, 0.8, 0.2, 0, 1, -1, 0);
  const mention = Float32Array.of(1, 0);
  const rng = new SeededRandom(1);
  const top = mineCandidates(mention, 0, entities, dims, { goldRows: [3] }, { strategy: 'hard', count: 2, rng });
  assert.deepEqual(top.candidates, [3, 0, 1]);
  const within = mineCandidates(mention, 0, entities, dims, { goldRows: [3], candidateRows: [3, 4, 2] }, { strategy: 'hard', count: 2, rng });
  assert.deepEqual(within.candidates, [3, 2, 4]);
  const r = recallAtK(mention, [0, 0, 0], entities, dims, [{ goldRows: [2] }, { goldRows: [4], candidateRows: [4, 3] }, { goldRows: [3], candidateRows: [3, 4] }], [1, 2]);
  assert.deepEqual(r.recall, { 1: 1 / 3, 2: 2 / 3 });
});

void test('training stops with a cancelled LinkerError when the signal fires', async () => {
  const data = syntheticProblem();
  const controller = new AbortController();
  await assert.rejects(
    () => trainHead(data, FAST, { signal: controller.signal, onProgress: (p) => p.stage === 'train' && controller.abort() }),
    (e: unknown) => LinkerError.is(e, 'cancelled'),
  );
});

void test('headTrainingOptions applies the defaults in one place: a key left out or given as undefined keeps its default', () => {
  const o = headTrainingOptions({ epochs: undefined, numNegatives: undefined, seed: 7, negatives: 'hard' });
  assert.deepEqual(o, { ...DEFAULT_HEAD_TRAINING, seed: 7, negatives: 'hard' });
  assert.equal(o.epochs, DEFAULT_HEAD_TRAINING.epochs, 'an unset request field does not erase the default');
  assert.deepEqual(headTrainingOptions(), DEFAULT_HEAD_TRAINING);
  assert.notEqual(headTrainingOptions().optimizer, DEFAULT_HEAD_TRAINING.optimizer, 'the optimizer options are a copy, not the shared default');
});
