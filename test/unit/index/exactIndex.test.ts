import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExactIndex, TopK } from '../../../src/core/index/exactIndex';
import { clusteredVectors, seededRandom } from './clusteredVectors';

function naiveTopK(vectors: Float32Array, dims: number, query: Float32Array, k: number): { row: number; score: number }[] {
  const all: { row: number; score: number }[] = [];
  for (let row = 0; row < vectors.length / dims; row++) {
    let s = 0;
    for (let i = 0; i < dims; i++) {
      s += vectors[row * dims + i]! * query[i]!;
    }
    all.push({ row, score: s });
  }
  all.sort((a, b) => b.score - a.score || a.row - b.row);
  return all.slice(0, k);
}

void test('exact search matches a naive full sort, best first', () => {
  const dims = 13; // not a multiple of 4: exercises the unrolled loop's tail
  const vectors = clusteredVectors({ n: 500, dims, clusters: 7, spread: 0.5, seed: 1 });
  const index = new ExactIndex(vectors, dims);
  assert.equal(index.size, 500);
  const random = seededRandom(2);
  for (let q = 0; q < 20; q++) {
    const query = Float32Array.from({ length: dims }, () => random() - 0.5);
    for (const k of [1, 5, 64]) {
      const got = index.search(query, k);
      const want = naiveTopK(vectors, dims, query, k);
      assert.deepEqual(got.map((h) => h.row), want.map((h) => h.row));
      got.forEach((h, i) => assert.ok(Math.abs(h.score - want[i]!.score) < 1e-9));
      for (let i = 1; i < got.length; i++) {
        assert.ok(got[i - 1]!.score >= got[i]!.score);
      }
    }
  }
});

void test('exact search clamps k and handles an empty index', () => {
  const dims = 4;
  const index = new ExactIndex(new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]), dims);
  const q = new Float32Array([0.1, 0.9, 0.2, 0]);
  assert.deepEqual(index.search(q, 10).map((h) => h.row), [1, 2, 0]);
  assert.deepEqual(index.search(q, 0), []);
  assert.deepEqual(new ExactIndex(new Float32Array(0), dims).search(q, 5), []);
});

void test('exact search rejects a query of the wrong width and a ragged vector block', () => {
  const index = new ExactIndex(new Float32Array(8), 4);
  assert.throws(() => index.search(new Float32Array(3), 1), /3 dimensions; the index has 4/);
  assert.throws(() => new ExactIndex(new Float32Array(7), 4), /not a whole number/);
});

void test('TopK keeps the k best with ties broken towards the lower row', () => {
  const top = new TopK(3);
  for (const [row, score] of [[5, 1], [1, 1], [7, 3], [2, 0.5], [3, 1], [0, 1]] as const) {
    top.offer(row, score);
  }
  assert.deepEqual(top.sortedHits(), [
    { row: 7, score: 3 },
    { row: 0, score: 1 },
    { row: 1, score: 1 },
  ]);
});
