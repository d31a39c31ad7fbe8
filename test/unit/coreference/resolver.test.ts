import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entityTraits as traitsOfEntity } from '../../../src/core/coreference/entityTraits';
import type { Entity } from '../../../src/core/kb/entity';
import type { EntityTraits } from '../../../src/core/coreference/entityTraits';
import { PERSON_CLASSES, anaphorOf, nominalOf, pronounOf, pronounSpans } from '../../../src/core/coreference/pronouns';
import { DEFAULT_COREFERENCE_OPTIONS, resolvePronouns } from '../../../src/core/coreference/resolver';
import type { AntecedentMention } from '../../../src/core/coreference/resolver';
import { SentenceIndex } from '../../../src/core/coreference/sentences';

const TRAITS: Record<string, EntityTraits> = {
  curie: { person: 1, gender: 'female' },
  pierre: { person: 1, gender: 'male' },
  natta: { person: 1 },
  paris: { person: 0 },
  warsaw: { person: 0 },
};
const traitsOf = (id: string): EntityTraits | undefined => TRAITS[id];

/** Antecedents at the first occurrence of each `[form, id]` in the text. */
function mentions(text: string, pairs: readonly (readonly [string, string])[]): AntecedentMention[] {
  return pairs.map(([form, entityId]) => {
    const start = text.indexOf(form);
    assert.ok(start >= 0, form);
    return { start, end: start + form.length, entityId, confidence: 1 };
  });
}

/** he/she only (these tests are about persons); the it/they tests pass their classes. */
const PERSONS = { ...DEFAULT_COREFERENCE_OPTIONS, classes: PERSON_CLASSES };

function resolve(text: string, pairs: readonly (readonly [string, string])[], options = PERSONS): (string | undefined)[] {
  const pronouns = pronounSpans(text, options.classes);
  return resolvePronouns(text, pronouns, mentions(text, pairs), traitsOf, options).map((r) => r?.entityId);
}

void test('pronounOf and pronounSpans know the third-person pronouns, not words that contain them', () => {
  assert.deepEqual(pronounOf(' His '), { class: 'male', role: 'possessive' });
  assert.equal(pronounOf('the'), undefined);
  const text = 'She met her brother; the theme of his hero was hers.';
  assert.deepEqual(pronounSpans(text, ['male', 'female']).map((p) => p.text), ['She', 'her', 'his', 'hers']);
  assert.deepEqual(pronounSpans('It rained on them.', ['male', 'female']), []);
  assert.deepEqual(pronounSpans('It rained on them.', ['neuter', 'plural']).map((p) => p.text), ['It', 'them']);
});

void test('sentences split at end punctuation and line breaks but not after an initial or a title', () => {
  const text = 'Wilhelm R. Röntgen met Dr. Smith in 1895. He won.\nThen "Quoted." It ended';
  const s = new SentenceIndex(text);
  assert.equal(s.sentenceOf(text.indexOf('Smith')), 0);
  assert.equal(s.sentenceOf(text.indexOf('He')), 1);
  assert.equal(s.sentenceOf(text.indexOf('Then')), 2);
  assert.equal(s.sentenceOf(text.indexOf('It')), 3);
});

void test('a pronoun takes the person mentioned before it: She = Marie Curie', () => {
  const text = 'Marie Curie was born in Warsaw. She studied in Paris.';
  assert.deepEqual(resolve(text, [['Marie Curie', 'curie'], ['Warsaw', 'warsaw'], ['Paris', 'paris']]), ['curie']);
});

void test('no antecedent, no entity: a pronoun before any person or with only places around stays unresolved', () => {
  assert.deepEqual(resolve('He was born in Paris.', [['Paris', 'paris']]), [undefined]);
  assert.deepEqual(resolve('Paris is large. He liked it.', [['Paris', 'paris']]), [undefined]);
});

void test('gender evidence: "she" skips a nearer man for a woman, "he" the other way', () => {
  const text = 'Marie Curie married Pierre Curie. She won twice and he once.';
  assert.deepEqual(resolve(text, [['Marie Curie', 'curie'], ['Pierre Curie', 'pierre']]), ['curie', 'pierre']);
  // Without the gender check, "She" takes the subject (Marie) and so does "he".
  assert.deepEqual(resolve(text, [['Marie Curie', 'curie'], ['Pierre Curie', 'pierre']], { ...PERSONS, gender: false }), ['curie', 'curie']);
});

void test('a resolved pronoun carries the chain beyond the window, and the window stops a stale antecedent', () => {
  const chain = 'Giulio Natta was born in Imperia. He studied. He taught. He worked. He won. He retired.';
  assert.deepEqual(resolve(chain, [['Giulio Natta', 'natta']]), ['natta', 'natta', 'natta', 'natta', 'natta']);
  const far = 'Giulio Natta was born in Imperia. It rained. It rained. It rained. It rained. He won.';
  assert.deepEqual(resolve(far, [['Giulio Natta', 'natta']]), [undefined]);
});

void test('the subject of the previous sentence outranks a later object of it', () => {
  const text = 'Marie Curie taught Pierre Curie physics. He thanked nobody.';
  const noGender = { ...PERSONS, gender: false };
  assert.deepEqual(resolve(text, [['Marie Curie', 'curie'], ['Pierre Curie', 'pierre']], noGender), ['curie']);
  assert.deepEqual(resolve(text, [['Marie Curie', 'curie'], ['Pierre Curie', 'pierre']], { ...noGender, subjectWeight: 1 }), ['pierre']);
});

void test('cataphora lets "his" take the name later in its own sentence, not in the next one', () => {
  const text = 'In his youth, Giulio Natta lived in Imperia.';
  assert.deepEqual(resolve(text, [['Giulio Natta', 'natta']]), ['natta']);
  assert.deepEqual(resolve(text, [['Giulio Natta', 'natta']], { ...PERSONS, cataphora: 0 }), [undefined]);
  assert.deepEqual(resolve('In his youth he sang. Giulio Natta lived in Imperia.', [['Giulio Natta', 'natta']]), [undefined, undefined]);
});

void test('entity traits read the type, life dates and the gender of the description', () => {
  const entityTraits = (e: Entity): EntityTraits => {
    const { person, gender } = traitsOfEntity(e);
    return gender === undefined ? { person } : { person, gender };
  };
  assert.deepEqual(entityTraits({ id: '1', title: 'A', text: 'A (1838 – 1865) was an actor; he died young.', aliases: [] }), { person: 1, gender: 'male' });
  assert.deepEqual(entityTraits({ id: '2', title: 'B', text: 'B is an actress.', aliases: [], type: 'Person' }), { person: 1, gender: 'female' });
  assert.deepEqual(entityTraits({ id: '3', title: 'C', text: 'a person who writes', aliases: [], type: 'noun.person' }), { person: 1 });
  assert.deepEqual(entityTraits({ id: '4', title: 'Paris', text: 'Paris is the capital of France.', aliases: [], type: 'Location' }), { person: 0 });
  assert.deepEqual(entityTraits({ id: '5', title: 'D', text: 'D is a character; she sings.', aliases: [], type: 'Fictional Character' }), { person: 0.5, gender: 'female' });
  assert.deepEqual(entityTraits({ id: '6', title: 'E', text: 'E is something.', aliases: [] }), { person: 0.2 });
});

void test('nominalOf reads a definite description and its head; anaphorOf needs the nominal class for it', () => {
  assert.deepEqual(nominalOf('the record company'), { class: 'nominal', role: 'subject', head: 'company' });
  assert.equal(nominalOf('The Beatles'), undefined);
  assert.equal(nominalOf('company'), undefined);
  assert.equal(anaphorOf('the band', ['male', 'female', 'neuter', 'plural']), undefined);
  assert.equal(anaphorOf('the band', ['nominal'])?.head, 'band');
  assert.equal(anaphorOf('its', ['nominal']), undefined);
  // The head must be a word of the antecedent's type, title or description (a plural head its singular).
  const text = 'The Beatles met Marie Curie. The bands played.';
  const words = (s: string): ReadonlySet<string> => new Set(s.split(' '));
  const traits: Record<string, EntityTraits> = { beatles: { person: 0, words: words('english rock band') }, curie: { person: 1, words: words('physicist') } };
  const pronoun = { start: text.indexOf('The bands'), end: text.indexOf('The bands') + 9, info: anaphorOf('The bands', ['nominal']) ?? assert.fail() };
  const [r] = resolvePronouns(text, [pronoun], mentions(text, [['The Beatles', 'beatles'], ['Marie Curie', 'curie']]), (id) => traits[id], { ...DEFAULT_COREFERENCE_OPTIONS, classes: ['nominal'] });
  assert.equal(r?.entityId, 'beatles');
  assert.ok(traitsOfEntity({ id: 'x', title: 'Apple Inc.', text: 'Apple is a technology company.', aliases: [], type: 'Organization' }).words?.has('company'));
});
