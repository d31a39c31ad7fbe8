import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnnotationRecord } from '../../../src/core/annotations/annotationRecord';
import { describeUndo, firstToVisit, nextAfterDecision, nextByUncertainty, resolvedCount, sentenceAround } from '../../../src/host/editor/annotationFlow';
import type { EditorMention } from '../../../src/host/linking/editorMention';

const TEXT = 'Steve Jobs co-founded Apple. It makes the iPhone!\n\nHe moved to New York. The end';

function at(text: string, from = 0): { start: number; end: number } {
  const start = TEXT.indexOf(text, from);
  return { start, end: start + text.length };
}

function record(text: string, status: AnnotationRecord['status'], kbId: string | null, title?: string): AnnotationRecord {
  return { id: `r-${text}`, ...at(text), text, kbId, ...(title === undefined ? {} : { title }), status, candidates: [], annotator: 'u', time: '', modelVersion: '', context: { before: '', after: '' } };
}

void test('the next mention after a decision is the first unresolved one after it, wrapping round, never the decided one', () => {
  const open = [at('Steve Jobs'), at('Apple'), at('New York')];
  assert.deepEqual(nextAfterDecision(open, at('Apple')), at('New York'));
  assert.deepEqual(nextAfterDecision(open, at('New York')), at('Steve Jobs'), 'wraps to the first');
  assert.deepEqual(nextAfterDecision(open.filter((m) => m.start !== at('Apple').start), at('Apple')), at('New York'), 'the decided one may already be gone from the list');
  assert.equal(nextAfterDecision([at('Apple')], at('Apple')), undefined, 'nothing left');
});

void test('the sentence around a mention stops at sentence ends and blank lines', () => {
  const apple = at('Apple');
  assert.equal(TEXT.slice(sentenceAround(TEXT, apple.start, apple.end).start, sentenceAround(TEXT, apple.start, apple.end).end), 'Steve Jobs co-founded Apple.');
  const iphone = at('iPhone');
  const s = sentenceAround(TEXT, iphone.start, iphone.end);
  assert.equal(TEXT.slice(s.start, s.end), 'It makes the iPhone!');
  const ny = at('New York');
  const n = sentenceAround(TEXT, ny.start, ny.end);
  assert.equal(TEXT.slice(n.start, n.end), 'He moved to New York.', 'the blank line before is a boundary');
  const end = at('end');
  const e = sentenceAround(TEXT, end.start, end.end);
  assert.equal(TEXT.slice(e.start, e.end), 'The end', 'the text end is a boundary');
  const wall = 'x'.repeat(1000);
  const w = sentenceAround(wall, 500, 505, 100);
  assert.deepEqual(w, { start: 400, end: 605 }, 'no full stop: at most maxChars each side');
});

void test('an undo is described by the record it changed, in document order, with the count of the rest', () => {
  const before = [record('Apple', 'accepted', 'Q312', 'Apple Inc.'), record('Steve Jobs', 'nil', null)];
  assert.deepEqual(describeUndo(before, [before[1]]), { ...at('Apple'), text: 'Apple', count: 1, description: '"Apple": accepted Apple Inc. → undecided' });
  assert.equal(describeUndo([], before)?.description, '"Steve Jobs": undecided → NIL (and 1 more)');
  assert.equal(describeUndo(before, [record('Apple', 'accepted', 'Q312', 'Apple Inc.'), before[1]]), undefined, 'an equal copy is no change');
  assert.equal(describeUndo(before, [{ ...before[0], status: 'rejected', kbId: null }, before[1]])?.description, '"Apple": accepted Apple Inc. → rejected');
  assert.equal(describeUndo(before, [{ ...before[0], duplicateIds: ['Q95'] }, before[1]])?.description, '"Apple": duplicates of the label 0 → 1');
});

void test('resolved / total counts anchored mentions; predicted, suggested and needs-review are open', () => {
  const m = (status: EditorMention['status'], anchored = true): EditorMention => ({ start: 0, end: 1, text: 'x', status, style: 'accepted', anchored });
  assert.deepEqual(resolvedCount([m('accepted'), m('nil'), m('rejected'), m('predicted'), m('suggested'), m('needsReview'), m('accepted', false)]), { resolved: 3, total: 6 });
  assert.deepEqual(resolvedCount([]), { resolved: 0, total: 0 });
});

void test('by uncertainty the least certain open mention comes next, ties in document order, wrapping round', () => {
  const open = [{ ...at('Steve Jobs'), confidence: 0.9 }, { ...at('Apple'), confidence: 0.4 }, { ...at('iPhone'), confidence: 0.4 }, { ...at('New York'), confidence: 0.7 }];
  assert.deepEqual(nextAfterDecision(open, at('Steve Jobs'), 'uncertainty'), open[1]);
  assert.deepEqual(nextAfterDecision(open, at('Apple'), 'uncertainty'), open[2], 'the decided one is skipped; ties by position');
  assert.deepEqual(nextByUncertainty(open, undefined), open[1], 'from outside a mention: the least certain');
  assert.deepEqual(nextByUncertainty(open, at('iPhone')), open[3]);
  assert.deepEqual(nextByUncertainty(open, at('Steve Jobs')), open[1], 'after the most certain it wraps round');
});

void test('arriving at a document reveals its first open mention, or by uncertainty its least certain', () => {
  const open = [{ ...at('New York'), confidence: 0.2 }, { ...at('Steve Jobs'), confidence: 0.9 }, { ...at('Apple'), confidence: 0.2 }];
  assert.deepEqual(firstToVisit(open), open[1]);
  assert.deepEqual(firstToVisit(open, 'uncertainty'), open[2], 'ties in document order');
  assert.equal(firstToVisit([]), undefined);
});
