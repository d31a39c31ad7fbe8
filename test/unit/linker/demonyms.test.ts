import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KnowledgeBase } from '../../../src/core/kb/knowledgeBase';
import { builtInDemonyms, demonymMatch, demonymTable, demonymTargets } from '../../../src/core/linker/demonyms';
import { Linker } from '../../../src/core/linker/linker';
import { FEATURE_NAMES } from '../../../src/core/linker/ranker';
import type { RankerWeights } from '../../../src/core/linker/ranker';
import { entityText } from '../../../src/core/linker/textTemplates';
import { BruteForceIndex, FakeEncoder } from '../../fixtures/linker/fakeEncoder';

// WordNet data lines (abridged): an adjective with a pertainym pointer, a person noun with a member-of holonym,
// the nouns they point to, and a person noun whose holonym is not a place (still a member-of: kept).
const ADJ = ['  1 licence header', '02969938 01 a 02 French 0 Gallic 1 002 + 09728044 n 0202 \\ 08949695 n 0201 | of or pertaining to France', '00001740 00 a 01 able 0 001 ! 00002098 a 0101 | having the necessary means', ''].join('\n');
const NOUN = [
  '08949695 15 n 02 France 0 French_Republic 0 001 @i 08714745 n 0000 | a republic in western Europe',
  '09067337 15 n 03 United_States 0 America 0 US 0 001 @i 08720619 n 0000 | North American republic',
  '09758057 18 n 01 American 0 002 @ 09643248 n 0000 #m 09067337 n 0000 | a native or inhabitant of the United States',
  '02084071 05 n 01 dog 0 001 #m 02083346 n 0000 | a member of the genus Canis',
  '',
].join('\n');

void test('the demonym table: adjective pertainyms and person nouns\' member-of holonyms, every lemma of the target', async () => {
  const t = await demonymTable(ADJ, NOUN);
  assert.deepEqual([...(t.get('french') ?? [])].sort(), ['france', 'french republic']);
  assert.deepEqual(t.get('gallic'), t.get('french'));
  assert.deepEqual([...(t.get('american') ?? [])].sort(), ['america', 'united states', 'us']);
  assert.equal(t.get('dog'), undefined, 'a member-of holonym of a non-person noun is no demonym');
  assert.equal(t.get('able'), undefined);
  assert.deepEqual(demonymTargets(t, 'Americans'), t.get('american'), 'a plural reads its singular');
  assert.deepEqual(demonymTargets(t, 'Boston'), []);
  assert.equal(demonymMatch(demonymTargets(t, 'French'), [{ key: 'paris' }, { key: 'france' }]), 1);
  assert.equal(demonymMatch(demonymTargets(t, 'French'), [{ key: 'french language' }]), 0);
});

void test('the built-in WordNet maps "American" to the United States and "Soviet" to the Soviet Union', async () => {
  const t = await builtInDemonyms();
  assert.ok(t !== undefined);
  assert.ok(demonymTargets(t, 'American').includes('united states'));
  assert.ok(demonymTargets(t, 'Soviets').includes('soviet union'));
  assert.ok(demonymTargets(t, 'French').includes('france'));
});

void test('the demonym feature retrieves the entity a demonym names and lets the ranker prefer it', async () => {
  const kb = new KnowledgeBase('tiny', [
    { id: 'Q30', title: 'United States', text: 'A country in North America; its capital is Washington.', aliases: ['USA'] },
    { id: 'Q2', title: 'American Airlines', text: 'American Airlines is an airline with flights from Dallas.', aliases: ['American'] },
    { id: 'Q142', title: 'France', text: 'A country in western Europe; its capital is Paris.', aliases: [] },
  ]);
  const encoder = new FakeEncoder();
  const index = new BruteForceIndex(kb.entities.map((e) => encoder.vector(entityText(e))), encoder.dims);
  const demonyms = await demonymTable(ADJ, NOUN);
  const base: RankerWeights = { version: 2, weights: { dense: 1, lexical: 4, exactName: 2 }, source: 'test' };
  const withFeature: RankerWeights = { ...base, weights: { ...base.weights, demonym: 10 } };
  const text = 'The American army crossed the river.';
  const link = async (w: RankerWeights) => (await new Linker({ kb, encoder, index, rankerWeights: w, demonyms, options: { denseTopN: 1, lexicalTopN: 1, ngramTopN: 0 } }).linkSpans(text, [{ start: 4, end: 12 }]))[0];
  const without = await link(base);
  assert.equal(without.candidates[0].id, 'Q2');
  const withIt = await link(withFeature);
  assert.equal(withIt.candidates[0].id, 'Q30');
  const k = FEATURE_NAMES.indexOf('demonym');
  assert.equal(withIt.candidates.find((c) => c.id === 'Q30')?.features?.[k], 1);
  assert.equal(withIt.candidates.find((c) => c.id === 'Q2')?.features?.[k], 0);
});
