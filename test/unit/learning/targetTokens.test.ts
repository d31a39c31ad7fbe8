import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TokenStates } from '../../../src/core/encoder/encoder';
import { meanState, targetTokenMean, targetTokenRange } from '../../../src/core/learning/targetTokens';

/** One token per space-separated word. */
const words = { tokenize: (text: string): number[] => text.split(' ').filter((w) => w.length > 0).map((w) => w.length) };

void test('targetTokenRange: the marked mention\'s own tokens, clipped by the encoder length; not found -> undefined', () => {
  assert.deepEqual(targetTokenRange(words, 'we sat on the [ river bank ] eating', ['[', ']'], 8), [5, 7]);
  assert.deepEqual(targetTokenRange(words, 'we sat on the [ river bank ] eating', ['[', ']'], 6), [5, 6]);
  assert.equal(targetTokenRange(words, 'we sat on the [ river bank ] eating', ['[', ']'], 5), undefined);
  assert.equal(targetTokenRange(words, 'no marked mention here', ['[', ']'], 4), undefined);
  assert.deepEqual(targetTokenRange(words, 'x << y z >> w', ['<<', '>>'], 6), [2, 4], 'the template\'s own markers');
});

void test('meanState / targetTokenMean: the mean of the target tokens\' states, not of the whole text', () => {
  const states: TokenStates = { tokens: 3, dims: 2, data: Float32Array.from([1, 0, 3, 4, 5, 8]) };
  assert.deepEqual(Array.from(meanState(states, 1, 3)), [4, 6]);
  assert.deepEqual(Array.from(meanState(states, 0, 3)), [3, 4]);
  assert.deepEqual(Array.from(meanState(states, 2, 2)), [0, 0], 'empty range: zero vector');
  assert.deepEqual(Array.from(targetTokenMean(words, '[ b c ]', ['[', ']'], states) ?? []), [4, 6]);
  assert.equal(targetTokenMean(words, 'b c', ['[', ']'], states), undefined);
});
