import assert from 'node:assert/strict';
import { test } from 'node:test';
import { topToAcceptAtOnce } from '../../../src/core/simulation/linkSelectionAccept';

const linked = (probabilities: readonly number[], nil = false) => ({ nil, candidates: probabilities.map((probability, i) => ({ id: `e${i}`, probability })) });

void test('Link Selection takes the top candidate at once when it is probable enough, else the picker opens', () => {
  assert.equal(topToAcceptAtOnce(linked([0.6, 0.3]), 0.5), 'e0');
  assert.equal(topToAcceptAtOnce(linked([0.5, 0.3]), 0.5), 'e0', 'the threshold itself is enough');
  assert.equal(topToAcceptAtOnce(linked([0.49, 0.3]), 0.5), undefined);
});

void test('the picker opens for a span the linker calls NIL, one without candidates, no threshold, or a threshold of 1', () => {
  assert.equal(topToAcceptAtOnce(linked([0.9], true), 0.5), undefined);
  assert.equal(topToAcceptAtOnce(linked([]), 0.5), undefined);
  assert.equal(topToAcceptAtOnce(linked([0.9]), undefined), undefined);
  assert.equal(topToAcceptAtOnce(linked([1]), 1), undefined);
  assert.equal(topToAcceptAtOnce({ nil: false, candidates: [{ id: 'x' }] }, 0.5), undefined, 'no probability counts as 0');
});
