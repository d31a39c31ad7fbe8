import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TokenStates } from '../../../src/core/encoder/encoder';
import { projectStates, somScores, sumOfMax } from '../../../src/core/som/somScorer';

const states = (rows: number[][]): TokenStates => ({ tokens: rows.length, dims: rows[0]!.length, data: Float32Array.from(rows.flat()) });

void test('sumOfMax sums, over mention tokens, the best inner product with any entity token', () => {
  const m = states([
    [1, 0],
    [0, 1],
  ]);
  const e = states([
    [0.6, 0.8],
    [1, 0],
    [-1, 0],
  ]);
  // token 1: max(0.6, 1, -1) = 1; token 2: max(0.8, 0, 0) = 0.8
  assert.ok(Math.abs(sumOfMax(m, e) - 1.8) < 1e-6);
  assert.equal(sumOfMax(m, { tokens: 0, dims: 2, data: new Float32Array(0) }), 0);
});

void test('projectStates projects, normalises each row and keeps at most maxTokens rows', () => {
  const p = projectStates(states([[3, 4, 7], [0, 0, 5], [1, 1, 1]]), Float32Array.from([1, 0, 0, 0, 1, 0]), 2, 2);
  assert.equal(p.tokens, 2);
  assert.deepEqual(Array.from(p.data).map((x) => Math.round(x * 1000) / 1000), [0.6, 0.8, 0, 0]);
  assert.throws(() => projectStates(states([[1, 2]]), new Float32Array(6), 2), /cannot read 2-d/);
});

void test('somScores ranks the candidate sharing the mention tokens first, with separate mention and entity projections', () => {
  // The entity side swaps the two axes: candidate A only matches the mention once swapped.
  const p = { inDims: 2, outDims: 2, mention: Float32Array.from([1, 0, 0, 1]), entity: Float32Array.from([0, 1, 1, 0]) };
  const mention = states([[1, 0], [1, 0.1]]);
  const s = somScores(p, mention, [states([[0, 1]]), states([[1, 0]])]);
  assert.ok(s[0]! > 1.9 && s[1]! < 0.2, Array.from(s).join(','));
});
