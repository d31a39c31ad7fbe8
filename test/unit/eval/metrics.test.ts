import { test } from 'node:test';
import assert from 'node:assert/strict';
import { breakdown, computeLinkingMetrics, f1, goldRank, macroAverage, type MentionResult, surfaceBreakdown } from '../../../src/core/eval/metrics';

function ranked(goldAt: number, gold: string): string[] {
  return Array.from({ length: 64 }, (_, i) => (i + 1 === goldAt ? gold : `other${i}`));
}

// Six mentions, hand-scored: A right at rank 1, B gold at rank 5, C gold not retrieved (says NIL), D NIL gold
// answered NIL, E out-of-KB gold answered with an entity, F gold at rank 20.
const results: MentionResult[] = [
  { documentId: 'd1', collection: 'w1', surface: 'A', gold: { ids: ['e1'], status: 'in-kb' }, rankedIds: ranked(1, 'e1'), predictedNil: false, seconds: 0.1 },
  { documentId: 'd1', collection: 'w1', surface: 'B', gold: { ids: ['e2'], status: 'in-kb' }, rankedIds: ranked(5, 'e2'), predictedNil: false, seconds: 0.3 },
  { documentId: 'd2', collection: 'w2', surface: 'A', gold: { ids: ['e9'], status: 'in-kb' }, rankedIds: ['e1', 'e2'], predictedNil: true },
  { documentId: 'd2', collection: 'w2', surface: 'D', gold: { ids: [], status: 'nil' }, rankedIds: ['e1'], predictedNil: true },
  { documentId: 'd3', collection: 'w2', surface: 'E', gold: { ids: [], status: 'out-of-kb' }, rankedIds: ['e4'], predictedNil: false },
  { documentId: 'd3', collection: 'w2', surface: 'F', gold: { ids: ['e3', 'e3b'], status: 'in-kb' }, rankedIds: ranked(20, 'e3b'), predictedNil: false },
];

void test('linking metrics on a hand-scored case', () => {
  const m = computeLinkingMetrics(results);
  assert.equal(m.mentions, 6);
  assert.equal(m.inKb, 4);
  assert.equal(m.outOfKb, 1);
  assert.equal(m.nilGold, 1);
  assert.equal(m['recall@1'], 1 / 4);
  assert.equal(m['recall@10'], 2 / 4);
  assert.equal(m['recall@64'], 3 / 4);
  assert.equal(m.accuracy, 1 / 4);
  assert.equal(m.normalizedAccuracy, 1 / 3);
  assert.equal(m.unnormalizedAccuracy, 2 / 6);
  assert.equal(m.nilPrecision, 1 / 2);
  assert.equal(m.nilRecall, 1 / 2);
  assert.equal(m.nilF1, 1 / 2);
  assert.ok(Math.abs((m.meanSecondsPerMention ?? 0) - 0.2) < 1e-12);
});

void test('accuracy ignores the NIL decision; unnormalised accuracy does not', () => {
  const r: MentionResult = { documentId: 'd', surface: 's', gold: { ids: ['e1'], status: 'in-kb' }, rankedIds: ['e1'], predictedNil: true };
  const m = computeLinkingMetrics([r]);
  assert.equal(m.accuracy, 1);
  assert.equal(m.unnormalizedAccuracy, 0);
  assert.equal(goldRank(r), 1);
});

void test('empty denominators give null, never 0 or 1', () => {
  const m = computeLinkingMetrics([{ documentId: 'd', surface: 's', gold: { ids: [], status: 'nil' }, rankedIds: [], predictedNil: false }]);
  assert.equal(m.accuracy, null);
  assert.equal(m['recall@64'], null);
  assert.equal(m.normalizedAccuracy, null);
  assert.equal(m.nilPrecision, null);
  assert.equal(m.nilRecall, 0);
  assert.equal(m.nilF1, 0, 'no NIL predicted while NIL golds exist: F1 0');
  assert.equal(m.meanSecondsPerMention, null);
  assert.equal(computeLinkingMetrics([]).unnormalizedAccuracy, null);
  assert.equal(f1(0, 0), 0);
  assert.equal(f1(null, null), null);
  assert.equal(f1(null, 0.5), null);
});

void test('breakdowns per document and surface; macro vs micro', () => {
  const perDoc = breakdown(results, (r) => r.documentId);
  assert.deepEqual(perDoc.map((g) => [g.key, g.mentions, g.inKb, g.accuracy, g.unnormalizedAccuracy]), [
    ['d1', 2, 2, 1 / 2, 1 / 2],
    ['d2', 2, 1, 0, 1 / 2],
    ['d3', 2, 1, 0, 0],
  ]);
  const macroDocs = macroAverage(perDoc);
  assert.equal(macroDocs.groups, 3);
  assert.equal(macroDocs.accuracy, (1 / 2 + 0 + 0) / 3);
  assert.equal(macroDocs.unnormalizedAccuracy, (1 / 2 + 1 / 2 + 0) / 3);
  const perWorld = breakdown(results, (r) => r.collection ?? '');
  // w1: 1 of 2 in-KB right; w2: 0 of 2. Macro 0.25 here equals micro (1/4) only by coincidence of sizes.
  assert.deepEqual(perWorld.map((g) => [g.key, g.accuracy, g['recall@64']]), [['w1', 1 / 2, 1], ['w2', 0, 1 / 2]]);
  assert.equal(macroAverage(perWorld)['recall@64'], 3 / 4);
  assert.equal(macroAverage([{ key: 'x', mentions: 1, inKb: 0, accuracy: null, 'recall@64': null, unnormalizedAccuracy: 1 }]).accuracy, null);
  const surfaces = surfaceBreakdown(results);
  assert.deepEqual(surfaces[0], { key: 'A', mentions: 2, inKb: 2, accuracy: 1 / 2, 'recall@64': 1 / 2, unnormalizedAccuracy: 1 / 2 });
  assert.deepEqual(surfaces.map((s) => s.key), ['A', 'B', 'D', 'E', 'F']);
  assert.equal(surfaceBreakdown(results, 2).length, 2);
});
