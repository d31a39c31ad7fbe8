import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnnotatorMemory } from '../../../src/core/learning/annotatorMemory';
import { LinkerError } from '../../../src/core/errors';

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
