import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acceptableIds, labelAndNegatives } from '../../../src/core/analysis/labelMatch';
import type { RankedCandidate } from '../../../src/core/linker/types';

const RANKING: RankedCandidate[] = [
  { id: 'N1', title: 'Dublin, Ohio', score: 2.5, probability: 0.5, signals: { retrievedBy: ['lexical', 'dense'], dense: 0.8, lexical: 1, exactName: true } },
  { id: 'L', title: 'Dublin', score: 2, probability: 0.3, signals: { retrievedBy: ['dense'], dense: 0.9 } },
  { id: 'D', title: 'Dublin (city)', score: 1.5, probability: 0.1, signals: { retrievedBy: ['lexical'], lexical: 0.7 } },
  { id: 'N2', title: 'Liffey', score: 1, probability: 0.1, signals: { retrievedBy: ['dense'], dense: 0.5 } },
];

const INFO = (id: string) => (id === 'N1' ? { type: 'city', text: 'A city in Ohio.' } : undefined);

void test('the label row keeps its rank; negatives skip the label and declared duplicates, with margins to the label', () => {
  const r = labelAndNegatives(RANKING, { kbId: 'L', duplicateIds: ['D'] }, 5, INFO);
  assert.equal(r.label?.rank, 2);
  assert.equal(r.label?.score, 2);
  assert.deepEqual(r.negatives.map((n) => [n.id, n.rank, n.marginToLabel]), [['N1', 1, -0.5], ['N2', 4, 1]]);
  assert.equal(r.negatives[0].type, 'city');
  assert.equal(r.negatives[0].description, 'A city in Ohio.');
  assert.deepEqual(r.negatives[0].signals, { retrievedBy: ['lexical', 'dense'], dense: 0.8, lexical: 1, exactName: true });
});

void test('k limits the negatives; a label the model did not retrieve gives no margins', () => {
  const r = labelAndNegatives(RANKING, { kbId: 'Q404' }, 2, INFO);
  assert.equal(r.label, undefined);
  assert.deepEqual(r.negatives.map((n) => n.id), ['N1', 'L']);
  assert.ok(r.negatives.every((n) => n.marginToLabel === undefined));
});

void test('NIL: every candidate is a negative; acceptable ids are empty', () => {
  assert.equal(acceptableIds({ kbId: null }).size, 0);
  const r = labelAndNegatives(RANKING, { kbId: null }, 10, INFO);
  assert.equal(r.negatives.length, 4);
});
