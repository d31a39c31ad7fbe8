import assert from 'node:assert/strict';
import { test } from 'node:test';
import { corpusReport, surfaceKey, type LabelledLink } from '../../../src/core/analysis/corpusReport';
import type { RankedCandidate } from '../../../src/core/linker/types';

function cand(id: string, score: number): RankedCandidate {
  return { id, title: `T${id}`, score, probability: 0, signals: { retrievedBy: ['dense'] } };
}

function item(document: string, text: string, kbId: string | null, ranking: [string, number][], extra: { nil?: boolean; duplicateIds?: string[]; alternativeIds?: string[] } = {}): LabelledLink {
  const candidates = ranking.map(([id, s]) => cand(id, s));
  return {
    uri: `file:///w/${document}`,
    document,
    annotation: { id: `${document}:${text}:${kbId}`, start: 0, end: text.length, text, kbId, ...(kbId === null ? {} : { title: `T${kbId}` }), duplicateIds: extra.duplicateIds, alternativeIds: extra.alternativeIds },
    linked: { candidates, nil: extra.nil ?? false, margin: candidates.length < 2 ? Infinity : candidates[0].score - candidates[1].score },
  };
}

// Five mentions scored by hand:
//  0 a.txt "Dublin" label A, ranking A 3, B 1       -> right, rank 1, margin 2
//  1 a.txt "dublin" label B, ranking A 2, B 1.5     -> wrong (A), rank 2, margin -0.5
//  2 b.txt "Apple"  label C, ranking D 1, E 0.5     -> wrong (D), not retrieved
//  3 b.txt "It"     NIL,     ranking F 1, nil=true  -> right (both NIL)
//  4 b.txt "NYC"    label G, ranking H 2, G 1.9, duplicate H -> right (H is a declared duplicate), margin vs none -> noNegatives
const ITEMS: LabelledLink[] = [
  item('a.txt', 'Dublin', 'A', [['A', 3], ['B', 1]]),
  item('a.txt', 'dublin', 'B', [['A', 2], ['B', 1.5]]),
  item('b.txt', 'Apple', 'C', [['D', 1], ['E', 0.5]]),
  item('b.txt', 'It', null, [['F', 1]], { nil: true }),
  item('b.txt', 'NYC', 'G', [['H', 2], ['G', 1.9]], { duplicateIds: ['H'] }),
];

void test('accuracy and recall@k against hand-scored labels', () => {
  const r = corpusReport(ITEMS, { ks: [1, 2, 5] });
  assert.equal(r.total, 5);
  assert.equal(r.linked, 4);
  assert.equal(r.nilLabels, 1);
  assert.equal(r.correct, 3);
  assert.equal(r.accuracy, 3 / 5);
  // Labels retrieved at rank 1: mention 0 and 4 (duplicate H counts as the label); rank 2: mention 1; never: 2.
  assert.deepEqual(r.recallAtK, [{ k: 1, recall: 2 / 4 }, { k: 2, recall: 3 / 4 }, { k: 5, recall: 3 / 4 }]);
  assert.deepEqual(r.mentions.map((m) => m.correct), [true, false, false, true, true]);
  assert.deepEqual(r.mentions.map((m) => m.labelRank), [1, 2, undefined, undefined, 1]);
});

void test('margins: label minus best negative; not-retrieved and no-negative labels counted apart', () => {
  const r = corpusReport(ITEMS, { marginBins: 5 });
  assert.deepEqual(r.mentions.map((m) => m.margin), [2, -0.5, undefined, undefined, undefined]);
  assert.equal(r.margins.notRetrieved, 1);
  assert.equal(r.margins.noNegatives, 1);
  const counted = r.margins.bins.reduce((s, b) => s + b.count, 0);
  assert.equal(counted, 2);
  // 0 is a bin edge: the negative margin lies wholly left of it.
  const wrongBin = r.margins.bins.find((b) => b.mentions.includes(1));
  assert.ok(wrongBin !== undefined && wrongBin.to <= 0, JSON.stringify(r.margins.bins));
  assert.ok(r.margins.bins.some((b) => b.from === 0 || Math.abs(b.from) < 1e-12));
});

void test('confused pairs, most frequent first, NIL on either side', () => {
  const extra = [item('c.txt', 'Dublin', 'B', [['A', 2], ['B', 1]]), item('c.txt', 'Cork', 'K', [['L', 1]], { nil: true })];
  const r = corpusReport([...ITEMS, ...extra]);
  assert.deepEqual(r.confusedPairs.map((p) => [p.labelId, p.predictedId, p.count]), [['B', 'A', 2], ['C', 'D', 1], ['K', null, 1]]);
  assert.deepEqual(r.confusedPairs[0].mentions, [1, 5]);
  assert.equal(r.confusedPairs[0].labelTitle, 'TB');
  assert.equal(r.confusedPairs[0].predictedTitle, 'TA');
});

void test('ambiguous surface forms group case-insensitively and rank by label entropy', () => {
  const r = corpusReport([...ITEMS, item('c.txt', 'NYC', 'G', [['G', 3], ['X', 1]])]);
  assert.deepEqual(r.ambiguousForms.map((f) => [f.form, f.count, f.distinctLabels]), [['Dublin', 2, 2], ['NYC', 2, 1]]);
  assert.equal(r.ambiguousForms[0].entropy, 1);
  assert.equal(r.ambiguousForms[0].accuracy, 0.5);
  assert.equal(r.ambiguousForms[0].meanModelMargin, (2 + 0.5) / 2);
  assert.equal(surfaceKey('  New\tYORK '), 'new york');
});

void test('per-document accuracy, worst first, with the mentions of each', () => {
  const r = corpusReport(ITEMS);
  assert.deepEqual(r.documents.map((d) => [d.document, d.correct, d.total]), [['a.txt', 1, 2], ['b.txt', 2, 3]]);
  assert.deepEqual(r.documents[1].mentions, [2, 3, 4]);
});

void test('an empty corpus reports zeros, not NaN', () => {
  const r = corpusReport([]);
  assert.equal(r.accuracy, 0);
  assert.ok(r.recallAtK.every((x) => x.recall === 0));
  assert.deepEqual(r.margins.bins, []);
});

void test('10,000 labels: the report is computed in well under a second', () => {
  const many: LabelledLink[] = [];
  for (let i = 0; i < 10_000; i++) {
    const ranking: [string, number][] = Array.from({ length: 10 }, (_, j) => [`E${(i * 7 + j * 13) % 3000}`, 10 - j + ((i * j) % 5) * 0.1]);
    many.push(item(`doc${i % 200}.txt`, `form ${i % 900}`, ranking[(i % 4)][0], ranking));
  }
  const r = corpusReport(many);
  assert.equal(r.total, 10_000);
  assert.equal(r.documents.length, 200);
  assert.ok(r.computeMs < 1000, `took ${r.computeMs} ms`);
});
