import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LearnedDetection } from '../../../src/core/detection/learnedDetection';
import { MentionDetector } from '../../../src/core/detection/mentionDetector';
import { AnnotatorMemory } from '../../../src/core/learning/annotatorMemory';
import { Gazetteer } from '../../../src/core/linker/gazetteer';
import { TINY_ENTITIES } from '../../fixtures/linker/tinyKb';

const rowOf = (id: string): number | undefined => {
  const row = TINY_ENTITIES.findIndex((e) => e.id === id);
  return row < 0 ? undefined : row;
};

function detectorWith(memory: AnnotatorMemory | undefined): MentionDetector {
  return new MentionDetector({ gazetteer: new Gazetteer(TINY_ENTITIES), ...(memory === undefined ? {} : { learned: LearnedDetection.fromMemory(memory, rowOf) }) });
}

const found = (d: MentionDetector, text: string): string[] => d.detect(text).map((m) => m.text);

void test('a form linked with Link Selection is detected where it occurs again, with its entity, plural included', () => {
  const text = 'The river flows past two cities; the rivers of Ireland are short.';
  assert.deepEqual(found(detectorWith(undefined), text), ['Ireland']);
  const memory = new AnnotatorMemory();
  memory.observe({ action: 'add', entityId: 'Q10', text: 'river' });
  const detected = detectorWith(memory).detect(text);
  assert.deepEqual(detected.map((m) => m.text), ['river', 'rivers', 'Ireland']);
  assert.deepEqual(detected[0].rows, [rowOf('Q10')]);
});

void test('a form confirmed only capitalised needs a capital in the text', () => {
  const memory = new AnnotatorMemory();
  memory.observe({ action: 'add', entityId: 'Q8', text: 'Apples' });
  const d = detectorWith(memory);
  assert.deepEqual(found(d, 'We ate Apples and apples.'), ['Apples']);
});

void test('the surname of a confirmed full name is detected capitalised as the same entity', () => {
  const memory = new AnnotatorMemory();
  memory.observe({ action: 'accept', entityId: 'Q6', text: 'Samuel Beckett' });
  memory.observe({ action: 'accept', entityId: 'Q3', text: 'University of Dublin' });
  const d = detectorWith(memory);
  const detected = d.detect('Beckett wrote; a beckett is no name. Dublin, not Dublin University.');
  assert.deepEqual(detected.map((m) => m.text), ['Beckett', 'Dublin', 'Dublin']);
  assert.deepEqual(detected[0].rows, [rowOf('Q6')]);
  // Only the annotator's memory says so: the surname is not a name of the KB.
  assert.deepEqual(found(detectorWith(undefined), 'Beckett wrote.'), []);
  assert.deepEqual(memory.entitiesFor('Beckett'), ['Q6']);
  assert.ok(memory.prior('Beckett', 'Q6') > 0);
});

void test('a form rejected or marked NIL is withdrawn once proposing it no longer pays (the key-cost operating point)', () => {
  const text = 'Ohio won. Ireland lost.';
  const memory = new AnnotatorMemory();
  memory.observe({ action: 'reject', entityId: null, text: 'Ohio' });
  memory.observe({ action: 'nil', entityId: null, text: 'Ireland' });
  // One rejection of a form never linked: (0 + 0.2) / (1 + 1) = 0.1 is below the operating point (0.2).
  assert.deepEqual(found(detectorWith(memory), text), []);
  // Linked once and rejected once: (1 + 0.2) / (2 + 1) = 0.4, proposed again.
  memory.observe({ action: 'accept', entityId: 'Q12', text: 'Ohio' });
  assert.deepEqual(found(detectorWith(memory), text), ['Ohio']);
  // A higher operating point (a missed mention costing less) withdraws it again.
  assert.deepEqual(found(new MentionDetector({ gazetteer: new Gazetteer(TINY_ENTITIES), learned: LearnedDetection.fromMemory(memory, rowOf, 0.6) }), text), []);
});

void test('a learned form longer than the dictionary matches it covers replaces them; one inside a longer match does not', () => {
  const memory = new AnnotatorMemory();
  memory.observe({ action: 'add', entityId: 'Q1', text: 'Dublin Bay area' });
  memory.observe({ action: 'add', entityId: 'Q3', text: 'York' });
  const d = detectorWith(memory);
  assert.deepEqual(found(d, 'The Dublin Bay area and New York City.'), ['Dublin Bay area', 'New York City']);
});
