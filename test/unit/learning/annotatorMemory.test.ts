import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnnotatorMemory } from '../../../src/core/learning/annotatorMemory';
import { LinkerError } from '../../../src/core/errors';
import type { LinkedMention } from '../../../src/core/linker/types';

void test('the memory counts links per form (smoothed prior), names, NIL and rejected forms', () => {
  const m = new AnnotatorMemory();
  m.observe({ action: 'accept', entityId: 'Q1', text: 'Dublin' });
  m.observe({ action: 'relink', entityId: 'Q2', text: 'DUBLIN ' });
  m.observe({ action: 'add', entityId: 'Q2', text: 'Dublin' });
  m.observe({ action: 'nil', entityId: null, text: 'Dublin' });
  m.observe({ action: 'reject', entityId: null, text: 'In' });
  assert.equal(m.prior('dublin', 'Q2'), 2 / 4);
  assert.equal(m.prior('Dublin', 'Q1'), 1 / 4);
  assert.equal(m.prior('Cork', 'Q1'), 0);
  assert.deepEqual(m.entitiesFor('Dublin'), ['Q2', 'Q1']);
  assert.deepEqual(m.namesOf('Q2'), ['DUBLIN']);
  assert.equal(m.decidedCount('Dublin'), 3);
  assert.equal(m.nilCount('dublin'), 1);
  assert.equal(m.rejectedCount('in'), 1);
  assert.equal(m.size, 5);
});

void test('the memory round-trips through JSON and rejects a malformed file with its name', () => {
  const m = new AnnotatorMemory();
  m.observe({ action: 'accept', entityId: 'Q1', text: 'Dublin' });
  m.observe({ action: 'reject', entityId: null, text: 'May' });
  const json = JSON.parse(JSON.stringify(m.toJSON()));
  const back = AnnotatorMemory.fromJSON(json);
  assert.deepEqual(back.toJSON(), m.toJSON());
  assert.equal(back.size, 2);
  assert.throws(() => AnnotatorMemory.fromJSON({ version: 1, forms: { dublin: { Q1: -1 } } }, 'x.json'), (e: unknown) => LinkerError.is(e, 'inputFormat') && e.location.file === 'x.json');
  assert.throws(() => AnnotatorMemory.fromJSON({ version: 2 }), (e: unknown) => LinkerError.is(e, 'inputFormat'));
});

void test('the memory keeps judgements for the conventions: the linked entity annotated, the shown top candidate of a rejection skipped, a NIL nothing', () => {
  const shown = (id: string): LinkedMention => ({ start: 0, end: 1, text: 'x', nil: false, margin: 1, hardNegatives: [], candidates: [{ id, title: id, score: 1, probability: 1, signals: { retrievedBy: ['lexical'] } }] });
  const memory = new AnnotatorMemory();
  memory.observe({ action: 'accept', entityId: 'Q1', text: 'Turin' });
  memory.observe({ action: 'reject', entityId: null, text: 'Turin', mention: shown('Q1') });
  memory.observe({ action: 'nil', entityId: null, text: 'Nobel Prize', mention: shown('Q9') });
  memory.observe({ action: 'reject', entityId: null, text: 'World War II' });
  const sorted = (m: AnnotatorMemory): unknown[] => m.judgements().sort((a, b) => a.surface.localeCompare(b.surface));
  memory.observe({ action: 'reject', entityId: null, text: 'Nobel Prize', mention: shown('Q9') });
  assert.deepEqual(sorted(memory), [
    { surface: 'Nobel Prize', entityId: 'Q9', annotated: 0, skipped: 1 },
    { surface: 'Turin', entityId: 'Q1', annotated: 1, skipped: 1 },
  ]);
  const back = AnnotatorMemory.fromJSON(JSON.parse(JSON.stringify(memory.toJSON())));
  assert.deepEqual(sorted(back), sorted(memory));
  assert.equal(back.size, memory.size, 'judgements are no extra decisions');
  assert.throws(() => AnnotatorMemory.fromJSON({ ...memory.toJSON(), judged: { Turin: [1, 0] } }, 'mem.json'), /judgement "Turin"/);
});

void test('a form confirmed in lower case after a capitalised spelling is kept as a name in lower case too (a common noun)', () => {
  const memory = new AnnotatorMemory();
  memory.observe({ action: 'accept', entityId: 'Q1', text: 'Professor' });
  memory.observe({ action: 'add', entityId: 'Q1', text: 'professor' });
  memory.observe({ action: 'add', entityId: 'Q1', text: 'PROFESSOR' });
  assert.deepEqual(memory.namesOf('Q1'), ['Professor', 'professor'], 'one lower-case spelling besides the capitalised one; no third');
  const lowerFirst = new AnnotatorMemory();
  lowerFirst.observe({ action: 'add', entityId: 'Q1', text: 'professor' });
  lowerFirst.observe({ action: 'accept', entityId: 'Q1', text: 'Professor' });
  assert.deepEqual(lowerFirst.namesOf('Q1'), ['professor']);
});

void test('a rejection inside a longer capitalised name is judged as such and does not count against the form standing alone', () => {
  const shown = (id: string, partOfName: boolean): LinkedMention => ({ start: 0, end: 1, text: 'x', nil: false, margin: 1, hardNegatives: [], candidates: [{ id, title: id, score: 1, probability: 1, signals: { retrievedBy: ['lexical'] } }], ...(partOfName ? { partOfName: true } : {}) });
  const memory = new AnnotatorMemory();
  memory.observe({ action: 'reject', entityId: null, text: 'Turin', mention: shown('Q1', true) });
  memory.observe({ action: 'reject', entityId: null, text: 'Turin', mention: shown('Q1', true) });
  assert.equal(memory.rejectedCount('Turin'), 0, '"Turin" of "Polytechnic Institute of Turin" rejected: "Turin" alone is not');
  memory.observe({ action: 'accept', entityId: 'Q1', text: 'Turin', mention: shown('Q1', false) });
  memory.observe({ action: 'accept', entityId: 'Q1', text: 'turin' });
  assert.deepEqual(memory.judgedCounts('Turin', true), { annotated: 0, skipped: 2 });
  assert.deepEqual(memory.judgedCounts('TURIN', false), { annotated: 2, skipped: 0 }, 'a link without the linker\'s answer counts as standing alone');
  memory.observe({ action: 'reject', entityId: null, text: 'Turin', mention: shown('Q1', false) });
  assert.equal(memory.rejectedCount('Turin'), 1);
  const back = AnnotatorMemory.fromJSON(JSON.parse(JSON.stringify(memory.toJSON())));
  assert.deepEqual(back.judgedCounts('Turin', true), { annotated: 0, skipped: 2 });
});

void test('retract takes back exactly what observe counted: links and names, NIL, rejections and judgements, never below zero', () => {
  const m = new AnnotatorMemory();
  const shown = { start: 0, end: 5, text: 'Paris', candidates: [{ id: 'Q90', title: 'Paris', score: 1, probability: 0.9, signals: { retrievedBy: ['dense' as const] } }], nil: false, margin: 1, hardNegatives: [] } as LinkedMention;
  m.observe({ action: 'accept', entityId: 'Q90', text: 'Paris', mention: shown });
  m.observe({ action: 'accept', entityId: 'Q90', text: 'Paris', mention: shown });
  m.observe({ action: 'reject', entityId: null, text: 'Paris', mention: shown });
  m.observe({ action: 'nil', entityId: null, text: 'Mayor' });
  m.retract({ action: 'reject', entityId: null, text: 'Paris', mention: shown });
  assert.equal(m.rejectedCount('Paris'), 0);
  assert.deepEqual(m.judgements(), [{ surface: 'Paris', entityId: 'Q90', annotated: 2, skipped: 0 }]);
  m.retract({ action: 'accept', entityId: 'Q90', text: 'Paris', mention: shown });
  assert.equal(m.prior('Paris', 'Q90'), 1 / 2, 'one link left');
  assert.deepEqual(m.namesOf('Q90'), ['Paris']);
  m.retract({ action: 'accept', entityId: 'Q90', text: 'Paris', mention: shown });
  assert.equal(m.prior('Paris', 'Q90'), 0);
  assert.deepEqual(m.namesOf('Q90'), [], 'a name no link confirms any more is dropped');
  assert.deepEqual(m.judgements(), []);
  m.retract({ action: 'nil', entityId: null, text: 'Mayor' });
  m.retract({ action: 'nil', entityId: null, text: 'Mayor' });
  assert.equal(m.nilCount('Mayor'), 0);
  assert.deepEqual(m.rejectedOrNilForms(), []);
  assert.equal(m.size, 0, 'decisions counted down, not below zero');
});
