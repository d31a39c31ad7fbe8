import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnnotationRecord } from '../../../src/core/annotations/annotationRecord';
import type { LinkedMention } from '../../../src/core/linker/types';
import { isUnresolved, mergeMentions, predictedStyle, shiftPredictions } from '../../../src/host/linking/editorMention';

const TEXT = 'Steve Jobs co-founded Apple.\n\nHe moved to New York.';

function prediction(text: string, id: string, probability: number, margin = 5, nil = false): LinkedMention {
  const start = TEXT.indexOf(text);
  return { start, end: start + text.length, text, nil, margin, hardNegatives: [], candidates: [{ id, title: id, score: 1, probability, signals: { retrievedBy: ['dense'] } }] };
}

function record(text: string, status: AnnotationRecord['status'], kbId: string | null, at = TEXT.indexOf(text)): AnnotationRecord {
  return { id: `r-${text}`, start: at, end: at + text.length, text, kbId, status, candidates: [], annotator: 'u', time: '', modelVersion: '', context: { before: '', after: '' } };
}

void test('stored decisions win over predictions at the same span; other predictions stay', () => {
  const merged = mergeMentions(TEXT, [record('Apple', 'accepted', 'Q312')], [prediction('Steve Jobs', 'Q1', 0.9), prediction('Apple', 'Q89', 0.6), prediction('New York', 'Q60', 0.3)], { ambiguousMargin: 0.5 });
  assert.deepEqual(merged.map((m) => [m.text, m.status, m.style, m.kbId]), [
    ['Steve Jobs', 'predicted', 'predictedHigh', 'Q1'],
    ['Apple', 'accepted', 'accepted', 'Q312'],
    ['New York', 'predicted', 'predictedLow', 'Q60'],
  ]);
  assert.equal(merged[1].linked?.candidates[0].id, 'Q89', 'the current ranking of a stored span is kept for the panels');
});

void test('an unanchored record is listed (for review) but a prediction may take its old place', () => {
  const lost = { ...record('Apple', 'needsReview', 'Q312'), text: 'Banana' };
  const merged = mergeMentions(TEXT, [lost], [prediction('Apple', 'Q89', 0.9)], { ambiguousMargin: 0.5 });
  assert.deepEqual(merged.map((m) => [m.status, m.anchored]), [['needsReview', false], ['predicted', true]]);
});

void test('confidence buckets, ambiguity by margin, NIL predictions carry no entity', () => {
  assert.equal(predictedStyle(0.95, 3, { ambiguousMargin: 0.5 }), 'predictedHigh');
  assert.equal(predictedStyle(0.6, 3, { ambiguousMargin: 0.5 }), 'predictedMedium');
  assert.equal(predictedStyle(0.95, 0.1, { ambiguousMargin: 0.5 }), 'ambiguous');
  const [nil] = mergeMentions(TEXT, [], [prediction('Apple', 'Q89', 0.2, 5, true)], { ambiguousMargin: 0.5 });
  assert.equal(nil.kbId, undefined);
  assert.equal(isUnresolved(nil), true);
  assert.equal(isUnresolved(mergeMentions(TEXT, [record('Apple', 'nil', null)], [], { ambiguousMargin: 0.5 })[0]), false);
});

void test('predictions follow edits: shifted after, kept before, dropped when touched or extended', () => {
  const ps = [prediction('Steve Jobs', 'Q1', 0.9), prediction('Apple', 'Q2', 0.9), prediction('New York', 'Q3', 0.9)];
  const apple = ps[1];
  // Insert 4 characters at 0: everything moves.
  assert.deepEqual(shiftPredictions(ps, [{ rangeOffset: 0, rangeLength: 0, text: 'Hi. ' }]).map((m) => m.start), ps.map((m) => m.start + 4));
  // Replace inside Apple: it is dropped, the later one moves by the length change.
  const edited = shiftPredictions(ps, [{ rangeOffset: apple.start + 1, rangeLength: 2, text: 'ppp' }]);
  assert.deepEqual(edited.map((m) => m.text), ['Steve Jobs', 'New York']);
  assert.equal(edited[1].start, ps[2].start + 1);
  // Typing a letter right after a mention extends the word: the old span is no longer the mention.
  assert.deepEqual(shiftPredictions(ps, [{ rangeOffset: apple.end, rangeLength: 0, text: 's' }]).map((m) => m.text), ['Steve Jobs', 'New York']);
  // Two changes in one batch, offsets in the old text.
  const two = shiftPredictions(ps, [{ rangeOffset: 0, rangeLength: 0, text: 'A ' }, { rangeOffset: ps[2].start - 1, rangeLength: 0, text: 'xx ' }]);
  assert.deepEqual(two.map((m) => m.start), [ps[0].start + 2, ps[1].start + 2, ps[2].start + 5]);
});
