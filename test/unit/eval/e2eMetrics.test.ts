import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeEndToEnd, type GoldLink, type PredictedLink } from '../../../src/core/eval/e2eMetrics';

const golds: GoldLink[] = [
  { documentId: 'd', start: 0, end: 5, gold: { ids: ['A'], status: 'in-kb' } },
  { documentId: 'd', start: 10, end: 15, gold: { ids: ['B'], status: 'in-kb' } },
  { documentId: 'd', start: 20, end: 25, gold: { ids: [], status: 'nil' } },
  { documentId: 'd', start: 30, end: 35, gold: { ids: ['C'], status: 'in-kb' }, optional: true },
  { documentId: 'e', start: 0, end: 5, gold: { ids: ['A'], status: 'in-kb' } },
];

const predictions: PredictedLink[] = [
  { documentId: 'd', start: 0, end: 5, id: 'A' }, // exact and right
  { documentId: 'd', start: 9, end: 15, id: 'B' }, // overlapping and right
  { documentId: 'd', start: 20, end: 25, id: 'X' }, // an entity on a NIL gold
  { documentId: 'd', start: 30, end: 35, id: 'C' }, // an optional gold found: ignored
  { documentId: 'd', start: 40, end: 45, id: null }, // detected, said NIL: no link
  { documentId: 'd', start: 50, end: 55, id: 'D' }, // spurious
  { documentId: 'e', start: 0, end: 5, id: 'B' }, // exact span, wrong entity
];

void test('end-to-end strict, overlap and detection scores on a hand-scored case', () => {
  const e2e = computeEndToEnd(golds, predictions);
  // strict: TP A@d; predicted (non-NIL, optional hit excluded) = 5; gold in-KB non-optional = 3.
  assert.deepEqual(e2e.strict, { truePositives: 1, predicted: 5, gold: 3, precision: 1 / 5, recall: 1 / 3, f1: (2 * (1 / 5) * (1 / 3)) / (1 / 5 + 1 / 3) });
  // overlap: also B@d [9,15) ~ [10,15).
  assert.equal(e2e.overlap.truePositives, 2);
  assert.equal(e2e.overlap.precision, 2 / 5);
  assert.equal(e2e.overlap.recall, 2 / 3);
  // detection: gold spans (optional excluded) 4; predicted spans 7 minus the optional one = 6; exact hits 0-5@d, 20-25@d, 0-5@e.
  assert.deepEqual([e2e.detection.truePositives, e2e.detection.predicted, e2e.detection.gold], [3, 6, 4]);
});

void test('each gold pairs once; exact predictions take precedence over overlapping ones', () => {
  const g: GoldLink[] = [{ documentId: 'd', start: 0, end: 10, gold: { ids: ['A'], status: 'in-kb' } }];
  const p: PredictedLink[] = [
    { documentId: 'd', start: 0, end: 4, id: 'A' },
    { documentId: 'd', start: 0, end: 10, id: 'A' },
  ];
  const e2e = computeEndToEnd(g, p);
  assert.equal(e2e.strict.truePositives, 1);
  assert.equal(e2e.overlap.truePositives, 1);
  assert.equal(e2e.overlap.predicted, 2);
});

void test('nothing predicted: precision undefined, recall and F1 0; no gold either: all undefined', () => {
  const e2e = computeEndToEnd(golds, []);
  assert.equal(e2e.strict.precision, null);
  assert.equal(e2e.strict.recall, 0);
  assert.equal(e2e.strict.f1, 0);
  assert.equal(computeEndToEnd([], []).strict.f1, null);
});
