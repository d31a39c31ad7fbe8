import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KnowledgeBase } from '../../../src/core/kb/knowledgeBase';
import type { Entity } from '../../../src/core/kb/entity';
import { Linker } from '../../../src/core/linker/linker';
import type { LinkerOptions } from '../../../src/core/linker/linker';
import { entityText } from '../../../src/core/linker/textTemplates';
import { BruteForceIndex, FakeEncoder } from '../../fixtures/linker/fakeEncoder';
import { TEST_WEIGHTS } from '../../fixtures/linker/tinyKb';

const ENTITIES: readonly Entity[] = [
  { id: 'Q7186', title: 'Marie Curie', text: 'Marie Curie (1867 – 1934) was a physicist and chemist; she won two Nobel Prizes.', aliases: ['Curie'], type: 'Person' },
  { id: 'Q90', title: 'Paris', text: 'Paris is the capital and largest city of France.', aliases: [], type: 'Location' },
  { id: 'Q270', title: 'Warsaw', text: 'Warsaw is the capital of Poland.', aliases: [], type: 'Location' },
  { id: 'Q1', title: 'He (letter)', text: 'He is a letter of the Hebrew alphabet.', aliases: ['He'], type: 'Literature Subject' },
  { id: 'Q2', title: 'She (novel)', text: 'She is a novel by H. Rider Haggard.', aliases: ['She'], type: 'Written Work' },
];

function makeLinker(options: Partial<LinkerOptions> = {}): Linker {
  const kb = new KnowledgeBase('curie', ENTITIES);
  const encoder = new FakeEncoder();
  const index = new BruteForceIndex(kb.entities.map((e) => encoder.vector(entityText(e))), encoder.dims);
  return new Linker({ kb, encoder, index, rankerWeights: TEST_WEIGHTS, options });
}

const TEXT = 'Marie Curie was born in Warsaw. She studied in Paris.';
const span = (form: string, from = 0): { start: number; end: number } => {
  const start = TEXT.indexOf(form, from);
  return { start, end: start + form.length };
};

void test('linkSpans puts the antecedent entity first for a pronoun span, with the resolution as probability', async () => {
  const linked = await makeLinker().linkSpans(TEXT, [span('Marie Curie'), span('Warsaw'), span('She'), span('Paris')]);
  const she = linked[2];
  assert.equal(she.text, 'She');
  assert.equal(she.nil, false);
  assert.equal(she.candidates[0].id, 'Q7186');
  assert.deepEqual(she.candidates[0].signals.coreference, span('Marie Curie'));
  assert.ok(she.candidates[0].probability > 0.5 && she.candidates[0].probability <= 1);
  assert.equal(she.candidates[0].features, undefined);
  // The name-ranked candidates stay below it for the annotator to choose.
  assert.ok(she.candidates.some((c) => c.id === 'Q2'));
  assert.ok(she.candidates.every((c, i) => i === 0 || c.score <= she.candidates[0].score));
  // Off: the pronoun is ranked by its name, as before.
  const off = await makeLinker({ coreference: { link: false } }).linkSpans(TEXT, [span('Marie Curie'), span('She')]);
  assert.notEqual(off[1].candidates[0]?.id, 'Q7186');
});

void test('a pronoun with no agreeing antecedent is NIL: "He" after two places is not Paris', async () => {
  const text = 'Paris is far from Warsaw. He never went.';
  const at = (f: string): { start: number; end: number } => ({ start: text.indexOf(f), end: text.indexOf(f) + f.length });
  const linked = await makeLinker().linkSpans(text, [at('Paris'), at('Warsaw'), at('He')]);
  assert.equal(linked[2].nil, true);
  assert.ok(linked[2].candidates.every((c) => c.signals.coreference === undefined));
});

void test('an annotator decision counts as antecedent, before the linker prediction at the same span', async () => {
  const text = 'Curie was born in Warsaw. She studied in Paris.';
  const at = (f: string): { start: number; end: number } => ({ start: text.indexOf(f), end: text.indexOf(f) + f.length });
  // The decision makes the pronoun resolve even with only the pronoun span asked for.
  const context = { decisions: [{ ...at('Curie'), text: 'Curie', entityId: 'Q7186' }] };
  const [she] = await makeLinker().linkSpans(text, [at('She')], { context });
  assert.equal(she.candidates[0].id, 'Q7186');
  const [alone] = await makeLinker().linkSpans(text, [at('She')]);
  assert.equal(alone.nil, true);
});

void test('detection proposes only pronouns an antecedent resolves, when turned on', async () => {
  const text = 'Marie Curie was born in Warsaw. She studied in Paris.\n\nHe left.';
  const on = await makeLinker({ coreference: { detect: true } }).linkDocument(text);
  assert.deepEqual(on.map((m) => [m.text, m.candidates[0]?.id]), [['Marie Curie', 'Q7186'], ['Warsaw', 'Q270'], ['She', 'Q7186'], ['Paris', 'Q90']]);
  const off = await makeLinker().linkDocument(text);
  assert.ok(!off.some((m) => m.text === 'She' && m.candidates[0]?.id === 'Q7186'));
});

void test('relinking a changed paragraph resolves its pronouns against the kept mentions', async () => {
  const linker = makeLinker({ coreference: { detect: true } });
  const before = 'Marie Curie was born in Warsaw.\n\nThe weather was cold.';
  const after = 'Marie Curie was born in Warsaw.\n\nShe was cold.';
  const first = await linker.linkDocument(before);
  const relinked = await linker.relinkChanged(before, first, after);
  const she = relinked.find((m) => m.text === 'She');
  assert.equal(she?.candidates[0].id, 'Q7186');
});

void test('a given it/its/they span takes the salient non-person by default; he/she only leaves it to the names', async () => {
  const text = 'Marie Curie was born in Warsaw. It is the capital of Poland.';
  const at = (f: string): { start: number; end: number } => ({ start: text.indexOf(f), end: text.indexOf(f) + f.length });
  const spans = [at('Marie Curie'), at('Warsaw'), at('It')];
  const [, , it] = await makeLinker().linkSpans(text, spans);
  assert.equal(it.candidates[0].id, 'Q270');
  assert.deepEqual(it.candidates[0].signals.coreference, at('Warsaw'));
  // he/she only: "It" is ranked by its name and context, no resolution.
  const [, , personsOnly] = await makeLinker({ coreference: { classes: ['male', 'female'] } }).linkSpans(text, spans);
  assert.ok(personsOnly.candidates.every((c) => c.signals.coreference === undefined));
});

void test('detection proposes he/she only by default (detectClasses): an "It" in the text is no proposal', async () => {
  const text = 'Marie Curie was born in Warsaw. It is old. She left.';
  const on = await makeLinker({ coreference: { detect: true } }).linkDocument(text);
  assert.ok(on.some((m) => m.text === 'She' && m.candidates[0]?.id === 'Q7186'));
  assert.ok(!on.some((m) => m.text === 'It'));
  const everything = await makeLinker({ coreference: { detect: true, detectClasses: ['male', 'female', 'neuter', 'plural'] } }).linkDocument(text);
  assert.equal(everything.find((m) => m.text === 'It')?.candidates[0]?.id, 'Q270');
});

void test('relinking with pronoun detection re-resolves the pronouns of the next paragraph an edit reaches', async () => {
  const linker = makeLinker({ coreference: { detect: true } });
  const before = 'Marie Curie was born in Warsaw.\n\nShe studied in Paris.';
  const after = 'The weather was cold in Warsaw.\n\nShe studied in Paris.';
  const first = await linker.linkDocument(before);
  assert.equal(first.find((m) => m.text === 'She')?.candidates[0].id, 'Q7186');
  // The antecedent is gone: linking the whole new text proposes no "She"; relinking the edited paragraph must agree.
  const whole = await linker.linkDocument(after);
  const relinked = await linker.relinkChanged(before, first, after);
  assert.deepEqual(relinked.map((m) => [m.start, m.text, m.candidates[0]?.id]), whole.map((m) => [m.start, m.text, m.candidates[0]?.id]));
  assert.ok(!relinked.some((m) => m.text === 'She'));
});

void test('relinking a paragraph counts the resolved pronouns kept before it, as linking the whole text does', async () => {
  const linker = makeLinker({ coreference: { detect: true, window: 1 } });
  // Window 1: the last "She" is two sentences from Curie's name; only the chain through the first "She" reaches it.
  const before = 'Marie Curie was born in Warsaw.\n\nShe studied.\n\nThe weather was cold.';
  const after = 'Marie Curie was born in Warsaw.\n\nShe studied.\n\nShe was cold.';
  const whole = await linker.linkDocument(after);
  assert.equal(whole.filter((m) => m.text === 'She' && m.candidates[0]?.id === 'Q7186').length, 2);
  const relinked = await linker.relinkChanged(before, await linker.linkDocument(before), after);
  assert.deepEqual(relinked.map((m) => [m.start, m.text, m.candidates[0]?.id]), whole.map((m) => [m.start, m.text, m.candidates[0]?.id]));
});

void test('a given definite description takes the salient entity whose description holds its head noun (class nominal, default)', async () => {
  const text = 'Marie Curie studied in Paris. The city was large. The novel was long.';
  const at = (f: string): { start: number; end: number } => ({ start: text.indexOf(f), end: text.indexOf(f) + f.length });
  const spans = [at('Marie Curie'), at('Paris'), at('The city'), at('The novel')];
  const [, , city, novel] = await makeLinker().linkSpans(text, spans);
  // "city" is in Paris's description, not in Marie Curie's: Paris, though Curie is the subject.
  assert.equal(city.candidates[0].id, 'Q90');
  assert.deepEqual(city.candidates[0].signals.coreference, at('Paris'));
  // Without the class, no definite description is resolved.
  const pronounsOnly = makeLinker({ coreference: { classes: ['male', 'female', 'neuter', 'plural'] } });
  const [, , plainCity, plainNovel] = await pronounsOnly.linkSpans(text, spans);
  assert.ok(plainCity.candidates.every((c) => c.signals.coreference === undefined));
  // No earlier "novel": the description keeps its name-ranked result, not made NIL.
  assert.deepEqual(novel.candidates.map((c) => c.id), plainNovel.candidates.map((c) => c.id));
  assert.equal(novel.nil, plainNovel.nil);
});
