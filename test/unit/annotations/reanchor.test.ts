import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type AnnotationRecord, contextAround } from '../../../src/core/annotations/annotationRecord';
import { contextScore, reanchorRecords } from '../../../src/core/annotations/reanchor';
import { SAMPLE, span, tempStore } from './annotationTestKit';

function rec(text: string, surface: string, nth = 0, id = `${surface}#${nth}`): AnnotationRecord {
  const { start, end } = span(text, surface, nth);
  return { id, start, end, text: surface, kbId: 'Q1', status: 'accepted', candidates: [], annotator: 'a', time: 't', modelVersion: '', context: contextAround(text, start, end) };
}

const PARIS = 'Paris is the capital of France. Paris Hilton is an heiress who was born in New York City.';

void test('an insertion before the mentions moves them all to their text', () => {
  const records = [rec(SAMPLE, 'Ada Lovelace'), rec(SAMPLE, 'Babbage', 0), rec(SAMPLE, 'Babbage', 1)];
  const changed = 'Preface. ' + SAMPLE;
  const result = reanchorRecords(records, changed, SAMPLE.length);
  assert.equal(result.moved, 3);
  assert.equal(result.unplaced + result.placedUncertain, 0);
  assert.deepEqual(result.records.map((r) => [r.start, r.status]), [[9, 'accepted'], [span(changed, 'Babbage', 0).start, 'accepted'], [span(changed, 'Babbage', 1).start, 'accepted']]);
});

void test('duplicated surface forms are told apart by their context', () => {
  const records = [rec(PARIS, 'Paris', 0, 'city'), rec(PARIS, 'Paris', 1, 'person')];
  // Swap the sentences: each "Paris" must follow its own context, not its old offset.
  const swapped = 'Paris Hilton is an heiress who was born in New York City. Paris is the capital of France.';
  const result = reanchorRecords(records, swapped, PARIS.length);
  const byId = new Map(result.records.map((r) => [r.id, r]));
  assert.equal(byId.get('person')!.start, 0);
  assert.equal(byId.get('city')!.start, swapped.indexOf('Paris is'));
  assert.equal(result.unplaced, 0);
  assert.ok(result.records.every((r) => r.status === 'accepted'));
});

void test('a mention whose text was deleted is kept, flagged, at clamped offsets', () => {
  const r = rec(PARIS, 'New York City');
  const shorter = 'Paris is the capital of France.';
  const result = reanchorRecords([r], shorter, PARIS.length);
  const out = result.records[0];
  assert.equal(result.unplaced, 1);
  assert.equal(out.status, 'needsReview');
  assert.equal(out.text, 'New York City');
  assert.deepEqual(out.review, { reason: 'not re-anchored: its text no longer occurs in the document', previousStatus: 'accepted' });
  assert.ok(out.start <= shorter.length && out.end <= shorter.length && out.start <= out.end);
});

void test('ambiguous repeats without telling context stay put and are flagged', () => {
  const text = 'x Paris y. Paris';
  const r = rec(text, 'Paris', 0);
  // The document now repeats an identical line: both copies fit equally well.
  const changed = 'a Paris y. b Paris y. c Paris y.';
  const result = reanchorRecords([r], changed, text.length);
  assert.equal(result.records[0].status, 'needsReview');
  assert.match(result.records[0].review!.reason, /occurs 3 times/);
});

void test('a completely rewritten document flags every mention and drops none', () => {
  const records = [rec(SAMPLE, 'Ada Lovelace'), rec(SAMPLE, 'London'), rec(SAMPLE, 'Babbage', 1)];
  const rewritten = 'The weather today is mild with a light breeze from the west, clearing by evening.';
  const result = reanchorRecords(records, rewritten, SAMPLE.length);
  assert.equal(result.records.length, 3);
  assert.ok(result.records.every((r) => r.status === 'needsReview'));
  assert.deepEqual(result.records.map((r) => r.text), ['Ada Lovelace', 'London', 'Babbage']);
});

void test('a single occurrence in an unrelated context is placed there but flagged', () => {
  const r = rec(SAMPLE, 'London');
  const rewritten = 'Rain fell all week over London and nobody minded it at all.';
  const result = reanchorRecords([r], rewritten, SAMPLE.length);
  assert.equal(result.placedUncertain, 1);
  assert.equal(result.records[0].start, rewritten.indexOf('London'));
  assert.equal(result.records[0].status, 'needsReview');
});

void test('a flag from a failed re-anchoring is lifted when a later text lets the mention be placed', () => {
  const r = rec(SAMPLE, 'London');
  const lost = reanchorRecords([r], 'nothing here', SAMPLE.length).records[0];
  assert.equal(lost.status, 'needsReview');
  const found = reanchorRecords([lost], SAMPLE, 'nothing here'.length).records[0];
  assert.equal(found.status, 'accepted');
  assert.equal(found.review, undefined);
  assert.equal(found.start, r.start);
});

void test('context score: identical context scores 1, unrelated context near 0', () => {
  const c = { before: 'the capital of ', after: ' is large' };
  assert.equal(contextScore(c, c), 1);
  assert.ok(contextScore(c, { before: 'zzzzzzzzzzzzzzz', after: 'qqqqqqqqq' }) < 0.05);
});

void test('opening a document changed outside the editor re-anchors, and the next save records the new hash', async () => {
  const { store, cleanup } = tempStore();
  try {
    const doc = await store.open('notes/a.txt', SAMPLE);
    const id = doc.add({ ...span(SAMPLE, 'London'), kbId: 'Q84' });
    await doc.save();
    store.close('notes/a.txt');
    const changed = 'Intro line.\n' + SAMPLE;
    const reopened = await store.open('notes/a.txt', changed);
    assert.equal(reopened.reanchored?.moved, 1);
    assert.equal(reopened.dirty, true, 're-anchored records are not on disk yet');
    assert.equal(changed.slice(reopened.get(id)!.start, reopened.get(id)!.end), 'London');
    await reopened.save();
    store.close('notes/a.txt');
    const third = await store.open('notes/a.txt', changed);
    assert.equal(third.reanchored, undefined, 'hash matches now');
    assert.equal(third.dirty, false);
  } finally {
    cleanup();
  }
});

void test('a surface form repeated thousands of times is found again by place, quickly', () => {
  const text = Array.from({ length: 3000 }, (_, i) => `Row ${i} mentions Babbage once.`).join('\n');
  const records = [rec(text, 'Babbage', 10), rec(text, 'Babbage', 2500)];
  // Every row reworded after the mention (all contexts change a little) and a preface added.
  const changed = 'Preface\n' + Array.from({ length: 3000 }, (_, i) => `Row ${i} mentions Babbage twice.`).join('\n');
  const result = reanchorRecords(records, changed, text.length);
  assert.deepEqual(result.records.map((r) => r.status), ['accepted', 'accepted']);
  assert.equal(changed.lastIndexOf('Row', result.records[0].start), changed.indexOf('Row 10 '));
  assert.equal(changed.lastIndexOf('Row', result.records[1].start), changed.indexOf('Row 2500 '));
});
