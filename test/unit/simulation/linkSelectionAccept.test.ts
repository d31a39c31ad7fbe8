import assert from 'node:assert/strict';
import { test } from 'node:test';
import { topToAcceptAtOnce } from '../../../src/core/simulation/linkSelectionAccept';
import { CHOOSE_HIGHLIGHTS, pickerKeys } from '../../../src/core/simulation/pickerKeys';

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

void test('the picker opens on a highlighted rank: Choose Candidate on the second (Enter takes it), arrows from there to the others', () => {
  const ranked = ['a', 'b', 'c'].map((id) => ({ id, title: id.toUpperCase() }));
  const kb = { searchKb: () => [], titleOf: (id: string) => id.toUpperCase() };
  const settings = { visibleRows: 10, searchLimit: 30 };
  assert.equal(pickerKeys(ranked, ['b'], kb, settings).keys, 2, 'from the first: Down + Enter');
  assert.equal(pickerKeys(ranked, ['b'], kb, settings, CHOOSE_HIGHLIGHTS).keys, 1);
  assert.equal(pickerKeys(ranked, ['a'], kb, settings, CHOOSE_HIGHLIGHTS).keys, 2, 'Up + Enter');
  assert.equal(pickerKeys(ranked, ['c'], kb, settings, CHOOSE_HIGHLIGHTS).keys, 2);
  assert.equal(pickerKeys(ranked.slice(0, 1), ['a'], kb, settings, CHOOSE_HIGHLIGHTS).keys, 1, 'one candidate: it is highlighted');
});
