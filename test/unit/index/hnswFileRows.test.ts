import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { HnswFileRows } from '../../../src/core/index/hnswFileRows';
import { HnswIndex, resolveHnswParams } from '../../../src/core/index/hnswIndex';
import { clusteredVectors } from './clusteredVectors';

const dims = 24;
const n = 300;
const vectors = clusteredVectors({ n, dims, clusters: 6, spread: 0.6, seed: 3 });

void test('vectors read from the graph file equal those hnswlib returns, for every row of a read index', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-hnswrows-'));
  try {
    const built = await HnswIndex.build(vectors, dims, { params: { m: 8, efConstruction: 40 } });
    const file = path.join(dir, 'graph.hnsw');
    built.write(file);
    const rows = HnswFileRows.open(file, dims, n);
    assert.ok(rows !== undefined, 'our graph files have the layout the reader expects');
    const read = HnswIndex.read(file, dims, resolveHnswParams({ m: 8, efConstruction: 40 }));
    for (let row = 0; row < n; row++) {
      assert.deepEqual(rows.vector(row), built.vector(row), `row ${row}`);
      assert.deepEqual(read.vector(row), built.vector(row));
    }
    assert.deepEqual([...read.vector(7)], [...vectors.subarray(7 * dims, 8 * dims)]);
    // A header that does not describe this many vectors of this size is not read at all.
    assert.equal(HnswFileRows.open(file, dims + 1, n), undefined);
    assert.equal(HnswFileRows.open(file, dims, n + 1), undefined);
    assert.equal(HnswFileRows.open(path.join(dir, 'missing.hnsw'), dims, n), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test('a record whose label is not its row (another build order) is refused, so the caller asks hnswlib', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-hnswrows-'));
  try {
    const built = await HnswIndex.build(vectors, dims, { params: { m: 8, efConstruction: 40 } });
    const file = path.join(dir, 'graph.hnsw');
    built.write(file);
    assert.ok(HnswFileRows.open(file, dims, n)!.vector(5) !== undefined);
    const header = fs.readFileSync(file).subarray(0, 96);
    const record = Number(header.readBigUInt64LE(24));
    const labelAt = 96 + 5 * record + Number(header.readBigUInt64LE(32));
    const bytes = fs.readFileSync(file);
    bytes.writeBigUInt64LE(6n, labelAt);
    fs.writeFileSync(file, bytes);
    const relabelled = HnswFileRows.open(file, dims, n)!;
    assert.equal(relabelled.vector(5), undefined);
    assert.deepEqual(relabelled.vector(4), built.vector(4), 'the other rows still read');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
