import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExactIndex } from '../../../src/core/index/exactIndex';
import { HnswIndex } from '../../../src/core/index/hnswIndex';
import { searchBatch } from '../../../src/core/index/searchBatch';
import { clusteredVectors, queriesNear, recallAtK } from './clusteredVectors';

const dims = 32;
const vectors = clusteredVectors({ n: 3000, dims, clusters: 40, spread: 0.6, seed: 7 });
const queries = queriesNear(vectors, dims, 100, 0.1, 8);

void test('HNSW recall@10 against the exact index is at least 0.95 on clustered data', async () => {
  const exact = new ExactIndex(vectors, dims);
  const hnsw = await HnswIndex.build(vectors, dims, { params: { m: 16, efConstruction: 100, efSearch: 64 } });
  assert.equal(hnsw.size, 3000);
  const truth = await searchBatch(exact, queries, 10);
  const approx = await searchBatch(hnsw, queries, 10);
  const recall = recallAtK(truth, approx);
  assert.ok(recall >= 0.95, `recall ${recall}`);
});

void test('HNSW scores are inner products (1 - hnswlib distance), best first', async () => {
  const hnsw = await HnswIndex.build(vectors.subarray(0, 200 * dims), dims);
  const query = queries.subarray(0, dims);
  const hits = hnsw.search(query, 20);
  assert.equal(hits.length, 20);
  for (let i = 0; i < hits.length; i++) {
    const row = vectors.subarray(hits[i]!.row * dims, (hits[i]!.row + 1) * dims);
    const dot = row.reduce((s, v, j) => s + v * query[j]!, 0);
    assert.ok(Math.abs(hits[i]!.score - dot) < 1e-5, `score ${hits[i]!.score} vs dot ${dot}`);
    if (i > 0) {
      assert.ok(hits[i - 1]!.score >= hits[i]!.score);
    }
  }
});

void test('HNSW clamps k to the index size and honours a cancelled build', async () => {
  const small = await HnswIndex.build(vectors.subarray(0, 5 * dims), dims);
  assert.equal(small.search(queries.subarray(0, dims), 50).length, 5);
  const empty = await HnswIndex.build(new Float32Array(0), dims);
  assert.deepEqual(empty.search(queries.subarray(0, dims), 3), []);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(HnswIndex.build(vectors, dims, { signal: controller.signal }), /cancelled/);
});

void test('searchBatch accepts packed or separate queries and reports progress', async () => {
  const exact = new ExactIndex(vectors, dims);
  const seen: number[] = [];
  const packed = await searchBatch(exact, queries.subarray(0, 10 * dims), 3, { chunk: 4, onProgress: (p) => seen.push(p.done) });
  const separate = await searchBatch(exact, Array.from({ length: 10 }, (_, i) => queries.subarray(i * dims, (i + 1) * dims)), 3);
  assert.deepEqual(packed, separate);
  assert.deepEqual(seen, [4, 8, 10]);
});

void test('both indexes return the stored vector of a row, and refuse rows outside the index', async () => {
  const few = vectors.subarray(0, 50 * dims);
  const exact = new ExactIndex(few, dims);
  const hnsw = await HnswIndex.build(few, dims);
  for (const row of [0, 17, 49]) {
    const want = few.subarray(row * dims, (row + 1) * dims);
    assert.deepEqual(Array.from(exact.vector(row)), Array.from(want));
    const got = hnsw.vector(row);
    assert.equal(got.length, dims);
    got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-6));
  }
  assert.throws(() => exact.vector(50), RangeError);
  assert.throws(() => hnsw.vector(-1), RangeError);
});
