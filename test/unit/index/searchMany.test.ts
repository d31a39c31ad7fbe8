import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExactIndex } from '../../../src/core/index/exactIndex';
import { HnswIndex } from '../../../src/core/index/hnswIndex';
import { searchMany } from '../../../src/core/index/searchBatch';
import { clusteredVectors, queriesNear } from './clusteredVectors';

const dims = 24;
// 1,000 rows: more than one scan block (128 rows), with a partial last block.
const vectors = clusteredVectors({ n: 1000, dims, clusters: 20, spread: 0.6, seed: 3 });
const packed = queriesNear(vectors, dims, 40, 0.1, 4);
const queries = Array.from({ length: 40 }, (_, i) => packed.subarray(i * dims, (i + 1) * dims));

void test('ExactIndex.searchMany equals search per query (rows, scores and order), including ties', () => {
  // Duplicate rows make exact ties, which must break towards the lower row in both paths.
  const withTies = new Float32Array(vectors.length + 3 * dims);
  withTies.set(vectors);
  for (let i = 0; i < 3; i++) withTies.set(vectors.subarray(i * dims, (i + 1) * dims), vectors.length + i * dims);
  const exact = new ExactIndex(withTies, dims);
  const many = exact.searchMany(queries, 17);
  assert.equal(many.length, queries.length);
  queries.forEach((q, i) => assert.deepEqual(many[i], exact.search(q, 17)));
  assert.deepEqual(exact.searchMany([], 5), []);
  assert.deepEqual(exact.searchMany(queries.slice(0, 2), 0), [[], []]);
  assert.throws(() => exact.searchMany([new Float32Array(dims + 1)], 3), /dimensions/);
});

void test('HnswIndex.searchMany equals search per query; searchMany() falls back to search without it', async () => {
  const hnsw = await HnswIndex.build(vectors, dims, { params: { m: 8, efConstruction: 50, efSearch: 32 } });
  const many = hnsw.searchMany(queries, 10);
  queries.forEach((q, i) => assert.deepEqual(many[i], hnsw.search(q, 10)));
  const plain = { kind: 'exact' as const, dims, size: 1000, search: (q: Float32Array, k: number) => hnsw.search(q, k), vector: (r: number) => hnsw.vector(r) };
  assert.deepEqual(searchMany(plain, queries, 10), many);
});

void test('HnswIndex.searchMany takes a search breadth for its queries only; the exact index ignores it', async () => {
  const hnsw = await HnswIndex.build(vectors, dims, { params: { m: 4, efConstruction: 16, efSearch: 10 } });
  const exact = new ExactIndex(vectors, dims);
  const before = queries.map((q) => hnsw.search(q, 10));
  const truth = exact.searchMany(queries, 10);
  const overlap = (hits: readonly (readonly { row: number }[])[]): number => hits.reduce((n, h, i) => n + h.filter((x) => truth[i]!.some((t) => t.row === x.row)).length, 0);
  const wide = hnsw.searchMany(queries, 10, { efSearch: 400 });
  assert.ok(overlap(wide) > overlap(before), `a wider search finds more true neighbours (${overlap(wide)} vs ${overlap(before)})`);
  assert.deepEqual(queries.map((q) => hnsw.search(q, 10)), before, 'the index keeps its own breadth afterwards');
  assert.equal(hnsw.hnswParams.efSearch, 10);
  assert.deepEqual(exact.searchMany(queries, 10, { efSearch: 1 }), truth);
});
