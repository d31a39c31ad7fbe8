import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExactIndex } from '../../../src/core/index/exactIndex';
import { HnswIndex } from '../../../src/core/index/hnswIndex';
import type { VectorIndex } from '../../../src/core/index/vectorIndex';
import { hardNegativeDepth, mineCandidates, recallAtK } from '../../../src/core/training/negativeMining';
import type { MiningExample } from '../../../src/core/training/negativeMining';
import { SeededRandom } from '../../../src/core/training/seededRandom';
import { type HeadExample, evaluateHead, trainHead } from '../../../src/core/training/trainHead';
import { identityHead } from '../../../src/core/encoder/finetuned/head';
import { normalizeInPlace } from '../../../src/core/vectorMath';
import { dotAt } from '../../../src/core/vectorMath';
import { syntheticProblem } from '../../fixtures/training/syntheticProblem';

const FAST = { epochs: 6, numNegatives: 8, batchSize: 8, patience: 6, optimizer: { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-6, weightDecay: 0.01, warmupFraction: 0.1, clipNorm: 1 } };

function normalized(vectors: Float32Array, dims: number): Float32Array {
  const out = vectors.slice();
  for (let r = 0; r < out.length; r += dims) normalizeInPlace(out.subarray(r, r + dims));
  return out;
}

void test('hard negatives taken from an exact index search are the ones the whole-KB scan mines (same rows, same random draws)', () => {
  const data = syntheticProblem();
  const dims = data.dims;
  const entities = normalized(data.entityVectors, dims);
  const index = new ExactIndex(entities, dims);
  const n = entities.length / dims;
  for (const strategy of ['hard', 'mixed'] as const) {
    const scanRng = new SeededRandom(3);
    const indexRng = new SeededRandom(3);
    data.train.forEach((ex, i) => {
      const example: MiningExample = { ...ex, excludedRows: [(ex.goldRows[0]! + 1) % n, (ex.goldRows[0]! + 2) % n] };
      const options = { strategy, count: 10 };
      const mention = data.mentionVectors.subarray(ex.mentionRow * dims, (ex.mentionRow + 1) * dims);
      const depth = hardNegativeDepth(example, options);
      assert.equal(depth, (strategy === 'hard' ? 10 : 5) + 3);
      const scan = mineCandidates(data.mentionVectors, ex.mentionRow * dims, entities, dims, example, { ...options, rng: scanRng });
      const searched = mineCandidates(data.mentionVectors, ex.mentionRow * dims, entities, dims, example, { ...options, rng: indexRng }, index.search(mention, depth));
      assert.deepEqual(searched, scan, `${strategy}, example ${i}`);
    });
  }
  assert.equal(hardNegativeDepth({ goldRows: [1], candidateRows: [1, 2] }, { strategy: 'hard', count: 4 }), 0);
  assert.equal(hardNegativeDepth({ goldRows: [1] }, { strategy: 'random', count: 4 }), 0);
  assert.equal(hardNegativeDepth({ goldRows: [1] }, { strategy: 'hard', count: 4, sampleTemperature: 0.5 }), 0);
});

void test('trainHead mines through the given entity index (an HNSW graph) and still learns', async () => {
  const data = syntheticProblem();
  const dims = data.dims;
  const hnsw = await HnswIndex.build(normalized(data.entityVectors, dims), dims, { params: { m: 8, efConstruction: 64, efSearch: 64 } });
  let searches = 0;
  const counted: VectorIndex = { kind: 'hnsw', dims, size: hnsw.size, search: (q, k) => hnsw.search(q, k), vector: (r) => hnsw.vector(r), searchMany: (qs, k) => ((searches += qs.length), hnsw.searchMany(qs, k)) };
  const base = evaluateHead(identityHead(dims, 20), data, data.dev);
  const result = await trainHead({ ...data, entityIndex: counted }, { ...FAST, negatives: 'hard', seed: 1 });
  assert.equal(searches, data.train.length * result.epochs.length, 'one search per training mention and epoch');
  assert.ok(result.after['recall@1'] >= base['recall@1'] + 0.15, `recall@1 ${base['recall@1']} -> ${result.after['recall@1']}`);
  // A trained entity side changes the vectors the index holds: it is then not used.
  searches = 0;
  await trainHead({ ...data, entityIndex: counted }, { ...FAST, epochs: 1, negatives: 'hard', seed: 1, trainEntitySide: true });
  assert.equal(searches, 0);
});

void test('recallAtK (blocked, stopping at the largest k) equals counting every entity per example', () => {
  const data = syntheticProblem({ distractors: 300 });
  const dims = data.dims;
  const n = data.entityVectors.length / dims;
  const examples: HeadExample[] = [...data.train, ...data.dev].map((ex, i) => ({
    ...ex,
    ...(i % 3 === 0 ? { excludedRows: [(ex.goldRows[0]! + 5) % n] } : {}),
    ...(i % 4 === 1 ? { candidateRows: [ex.goldRows[0]!, (ex.goldRows[0]! + 7) % n, (ex.goldRows[0]! + 9) % n] } : {}),
  }));
  const offsets = examples.map((ex) => ex.mentionRow * dims);
  const ks = [1, 2, 4];
  const naive: Record<number, number> = {};
  const ranks = examples.map((ex, i) => {
    const excluded = new Set([...ex.goldRows, ...(ex.excludedRows ?? [])]);
    const best = Math.max(...ex.goldRows.map((g) => dotAt(data.mentionVectors, offsets[i]!, data.entityVectors, g * dims, dims)));
    const rows = ex.candidateRows === undefined ? Array.from({ length: n }, (_, r) => r) : [...new Set(ex.candidateRows)];
    return rows.filter((r) => !excluded.has(r) && dotAt(data.mentionVectors, offsets[i]!, data.entityVectors, r * dims, dims) > best).length;
  });
  for (const k of ks) naive[k] = ranks.filter((r) => r < k).length / examples.length;
  assert.ok(ranks.some((r) => r >= 4) && ranks.some((r) => r === 0), `the fixture has examples outside and inside every k (ranks ${ranks.join(' ')})`);
  assert.deepEqual(recallAtK(data.mentionVectors, offsets, data.entityVectors, dims, examples, ks).recall, naive);
});
