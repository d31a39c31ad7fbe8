import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnnotationRecord } from '../../../src/core/annotations/annotationRecord';
import type { LinkedMention } from '../../../src/core/linker/types';
import { DecisionTracker, affectsOthers, documentContextOf } from '../../../src/core/training/decisionTracker';

function record(id: string, start: number, end: number, text: string, status: AnnotationRecord['status'], kbId: string | null): AnnotationRecord {
  return { id, start, end, text, kbId, status, candidates: [], annotator: 't', time: new Date(0).toISOString(), modelVersion: '', context: { before: '', after: '' } };
}

function predicted(start: number, end: number, text: string, ids: string[]): LinkedMention {
  const candidates = ids.map((id, i) => ({ id, title: id, score: -i, probability: 1 / ids.length, signals: { retrievedBy: ['dense' as const] }, features: [1, 0] }));
  return { start, end, text, candidates, nil: false, margin: 1, hardNegatives: candidates.slice(1) };
}

void test('decisions: the first sight of a document is its baseline; new and changed records become accept, relink, add, nil and reject', () => {
  const tracker = new DecisionTracker();
  const doc = 'notes.txt';
  const old = record('a', 0, 5, 'Apple', 'accepted', 'Q312');
  assert.deepEqual(tracker.changes(doc, [old], []), [], 'records already there when the document is first seen are not new decisions');

  const predictions = [predicted(10, 15, 'Apple', ['Q312', 'Q89']), predicted(20, 25, 'Paris', ['Q90']), predicted(30, 33, 'The', ['Q1']), predicted(40, 44, 'Jobs', ['Q19837'])];
  const records = [
    old,
    record('b', 10, 15, 'Apple', 'accepted', 'Q89'),
    record('c', 20, 25, 'Paris', 'accepted', 'Q90'),
    record('d', 30, 33, 'The', 'rejected', null),
    record('e', 40, 44, 'Jobs', 'nil', null),
    record('f', 50, 55, 'Wayne', 'accepted', 'Q7'),
    record('g', 60, 65, 'Maybe', 'suggested', null),
  ];
  const decisions = tracker.changes(doc, records, predictions, 42);
  assert.deepEqual(decisions.map((d) => [d.text, d.action, d.entityId]), [
    ['Apple', 'relink', 'Q89'],
    ['Paris', 'accept', 'Q90'],
    ['The', 'reject', null],
    ['Jobs', 'nil', null],
    ['Wayne', 'add', 'Q7'],
  ]);
  assert.equal(decisions[0]!.mention?.candidates[0]?.id, 'Q312', 'the prediction as the annotator saw it travels with the decision');
  assert.equal(decisions[4]!.mention, undefined);
  assert.equal(decisions[0]!.time, 42);

  assert.deepEqual(tracker.changes(doc, records, predictions), [], 'nothing changed, nothing new');
  const relinked = records.map((r) => (r.id === 'c' ? { ...r, kbId: 'Q91' } : r));
  assert.deepEqual(tracker.changes(doc, relinked, predictions).map((d) => [d.text, d.action, d.entityId]), [['Paris', 'relink', 'Q91']]);
  tracker.forget(doc);
  assert.equal(tracker.knows(doc), false);
});

void test('update: an undone or changed decision of this session is retracted, as it was reported; a baseline record never is', () => {
  const tracker = new DecisionTracker();
  const doc = 'notes.txt';
  const old = record('a', 0, 5, 'Apple', 'accepted', 'Q312');
  tracker.update(doc, [old], []);
  const predictions = [predicted(10, 15, 'Paris', ['Q90', 'Q91']), predicted(20, 25, 'Texas', ['Q60'])];
  const accepted = record('b', 10, 15, 'Paris', 'accepted', 'Q90');
  const first = tracker.update(doc, [old, accepted], predictions);
  assert.deepEqual(first.decisions.map((d) => [d.text, d.action, d.entityId]), [['Paris', 'accept', 'Q90']]);
  assert.deepEqual(first.retracted, []);
  // The annotator corrects the slip: the accept is retracted (the same object as reported) and the relink decided.
  const relinked = tracker.update(doc, [old, { ...accepted, kbId: 'Q91' }], predictions);
  assert.equal(relinked.retracted.length, 1);
  assert.equal(relinked.retracted[0], first.decisions[0]);
  assert.deepEqual(relinked.decisions.map((d) => [d.action, d.entityId]), [['relink', 'Q91']]);
  // Undo removes the record: its decision goes with it. The baseline record changed: nothing of it is retracted.
  const undone = tracker.update(doc, [{ ...old, kbId: 'Q89' }], predictions);
  assert.deepEqual(undone.retracted, relinked.decisions);
  assert.deepEqual(undone.decisions.map((d) => [d.text, d.action]), [['Apple', 'add']]);
  // A decision turned back into a suggestion (Undo of Link Selection's accept) is retracted without a new one.
  const rejected = record('c', 20, 25, 'Texas', 'rejected', null);
  const made = tracker.update(doc, [{ ...old, kbId: 'Q89' }, rejected], predictions);
  const back = tracker.update(doc, [{ ...old, kbId: 'Q89' }, { ...rejected, status: 'suggested' }], predictions);
  assert.deepEqual(back, { decisions: [], retracted: made.decisions });
});

void test('settle: the decisions seen so far become baseline (a forgotten learner), so undoing one retracts nothing; later ones still are', () => {
  const tracker = new DecisionTracker();
  const doc = 'notes.txt';
  tracker.update(doc, [], []);
  const predictions = [predicted(10, 15, 'Paris', ['Q90', 'Q91']), predicted(20, 25, 'Texas', ['Q60'])];
  const accepted = record('b', 10, 15, 'Paris', 'accepted', 'Q90');
  assert.equal(tracker.update(doc, [accepted], predictions).decisions.length, 1);
  tracker.settle();
  assert.deepEqual(tracker.update(doc, [accepted], predictions), { decisions: [], retracted: [] }, 'settling changes no record');
  const rejected = record('c', 20, 25, 'Texas', 'rejected', null);
  const made = tracker.update(doc, [accepted, rejected], predictions);
  assert.deepEqual(made.decisions.map((d) => [d.text, d.action]), [['Texas', 'reject']]);
  // Undo of both: the accept made before settling is not retracted, the rejection made after it is.
  assert.deepEqual(tracker.update(doc, [], predictions), { decisions: [], retracted: made.decisions });
});

void test('a document\'s decisions as linking context; a decision bears on the same form elsewhere in the document', () => {
  const records = [record('a', 0, 5, 'Apple', 'accepted', 'Q89'), record('b', 10, 13, 'The', 'rejected', null), record('c', 20, 25, 'Maybe', 'suggested', null)];
  assert.deepEqual(documentContextOf(records).decisions, [
    { start: 0, end: 5, text: 'Apple', entityId: 'Q89' },
    { start: 10, end: 13, text: 'The', entityId: null },
  ]);
  const decided = new DecisionTracker();
  decided.baseline('d', []);
  const [decision] = decided.changes('d', [records[0]!], []);
  assert.equal(affectsOthers([decision!], [predicted(0, 5, 'Apple', ['Q312']), predicted(30, 35, 'APPLE', ['Q312'])]), true);
  assert.equal(affectsOthers([decision!], [predicted(0, 5, 'Apple', ['Q312']), predicted(30, 35, 'Pear', ['Q1'])]), false);
});
