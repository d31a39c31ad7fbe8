import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Entity } from '../../../src/core/kb/entity';
import { NgramIndex, ngramKey, ngramSet } from '../../../src/core/linker/ngramIndex';
import { TINY_ENTITIES } from '../../fixtures/linker/tinyKb';

const idOf = (row: number): string => TINY_ENTITIES[row].id;

const entity = (id: string, title: string, aliases: string[] = []): Entity => ({ id, title, text: '', aliases });

/** Archaic and OCR spellings of Irish places, as in a seventeenth-century text. */
const PLACES: readonly Entity[] = [
  entity('W', 'City of Waterford', ['Waterford']),
  entity('K', 'County Wicklow', ['Wicklow']),
  entity('D', 'Dublin'),
  entity('L', 'Limerick'),
  entity('C', 'County Cork', ['Cork']),
  entity('Z', 'Zürich'),
];

void test('keys keep words only, folded, without accents; n-grams are padded and repeats numbered', () => {
  assert.equal(ngramKey('  Baile Átha  Cliath! '), 'baile atha cliath');
  assert.equal(ngramKey('St. Louis'), 'st louis');
  assert.equal(ngramKey('...'), '');
  assert.equal(ngramSet('ab', 3).length, 4);
  const banana = ngramSet('banana', 3);
  assert.equal(banana.length, 8);
  assert.equal(new Set(banana).size, 8, 'the second "ana" is numbered, not merged');
  assert.deepEqual(ngramSet('', 3), []);
});

void test('variant spellings are found: archaic and OCR forms reach their entity first', () => {
  const ix = new NgramIndex(PLACES);
  const first = (m: string): string => PLACES[ix.retrieve(m, 3)[0].row].id;
  assert.equal(first('Cittye of Waterfford'), 'W');
  assert.equal(first('Countie of Wickloe'), 'K');
  assert.equal(first('Dublyn'), 'D');
  assert.equal(first('Lymericke'), 'L');
  assert.equal(first('Zurich'), 'Z');
  // The token retriever's question ("does a word of the mention occur in a name?") has no answer here.
  assert.ok(!'cittye of waterfford'.split(' ').some((w) => ['city', 'waterford'].includes(w)));
});

void test('exact names come first with similarity 1; ties go by KB row', () => {
  const ix = new NgramIndex(TINY_ENTITIES);
  const hits = ix.retrieve('new york', 5);
  assert.deepEqual(hits.slice(0, 2).map((h) => [idOf(h.row), h.similarity]), [['Q3', 1], ['Q4', 1]]);
  assert.ok(hits.slice(2).every((h) => h.similarity < 1));
  assert.equal(idOf(ix.retrieve('Baile Atha Cliath', 1)[0].row), 'Q1');
  // Sorted by similarity, then row.
  for (let i = 1; i < hits.length; i++) {
    assert.ok(hits[i - 1].similarity > hits[i].similarity || (hits[i - 1].similarity === hits[i].similarity && hits[i - 1].row < hits[i].row));
  }
});

void test('similarity names the closest name as written, and agrees with retrieval', () => {
  const ix = new NgramIndex(PLACES);
  const m = ix.similarity('Cittye of Waterfford', 0);
  assert.equal(m.name, 'City of Waterford');
  assert.ok(m.similarity > 0.4 && m.similarity < 1);
  assert.deepEqual(ix.similarity('waterford', 0), { similarity: 1, name: 'Waterford' });
  assert.deepEqual(ix.similarity('Zurich', 5), { similarity: 1, name: 'Zürich' });
  assert.deepEqual(ix.similarity('xq', 3), { similarity: 0 });
  for (const mention of ['Cittye of Waterfford', 'Countie of Wickloe', 'Corke']) {
    for (const hit of ix.retrieve(mention, 10, 0.05)) assert.equal(hit.similarity, ix.similarity(mention, hit.row).similarity);
  }
});

void test('the size filter drops exactly the names that cannot reach the threshold', () => {
  // Names of 1..40 letters; a query of 10 letters has 12 padded trigrams.
  const names = Array.from({ length: 40 }, (_, i) => entity(`E${i + 1}`, 'abcdefghijklmnopqrstuvwxyzabcdefghijklmn'.slice(0, i + 1)));
  const query = 'abcdefghij';
  for (const measure of ['cosine', 'dice'] as const) {
    for (const threshold of [0.3, 0.5, 0.8, 1]) {
      const ix = new NgramIndex(names, { measure, threshold });
      const got = ix.retrieve(query, 100).map((h) => h.row).sort((a, b) => a - b);
      // Brute force: every name whose similarity reaches the threshold, found or not by the filter.
      const want = names.map((_, row) => row).filter((row) => ix.similarity(query, row).similarity >= threshold - 1e-9);
      assert.deepEqual(got, want, `${measure} >= ${threshold}`);
      assert.ok(want.length > 0);
    }
  }
  // A prefix or extension of the query (y trigrams) differs from it in the two end-padded trigrams: cosine 0.8 needs
  // (y-2)/sqrt(12y) >= 0.8 (shorter: only y = 12, itself) or 10/sqrt(12y) >= 0.8 (longer: y <= 13, one letter more).
  const strict = new NgramIndex(names, { threshold: 0.8 });
  assert.deepEqual(strict.retrieve(query, 100).map((h) => [h.row, Number(h.similarity.toFixed(3))]), [[9, 1], [10, 0.801]]);
});

void test('k bounds the hits and the threshold drops weak matches', () => {
  const ix = new NgramIndex(TINY_ENTITIES);
  assert.equal(ix.retrieve('Dublin', 1).length, 1);
  assert.equal(ix.retrieve('Dublin', 0).length, 0);
  assert.ok(ix.retrieve('Dublin', 20, 0.05).length > ix.retrieve('Dublin', 20, 0.6).length);
  assert.ok(ix.retrieve('Dublin', 20, 0.6).every((h) => h.similarity >= 0.6));
});

void test('deterministic: the same hits whatever the query order and across rebuilds', () => {
  const a = new NgramIndex(TINY_ENTITIES);
  const b = new NgramIndex(TINY_ENTITIES);
  const queries = ['Dublyn', 'Nwe Yrok', 'Ohio', 'apple', 'Liffey river', 'Dublyn'];
  const first = queries.map((q) => a.retrieve(q, 8, 0.1));
  const second = [...queries].reverse().map((q) => b.retrieve(q, 8, 0.1)).reverse();
  assert.deepEqual(first, second);
  assert.deepEqual(first[0], first[5]);
});

void test('empty, punctuation-only and non-Latin input', () => {
  const ents = [entity('J', '東京'), entity('E', '😀 Smile'), entity('G', 'Αθήνα')];
  const ix = new NgramIndex(ents);
  assert.deepEqual(ix.retrieve('', 5), []);
  assert.deepEqual(ix.retrieve('  ... ', 5), []);
  assert.deepEqual(ix.similarity('', 0), { similarity: 0 });
  assert.equal(ix.retrieve('東京', 1)[0].row, 0);
  assert.equal(ix.retrieve('smile', 1)[0].row, 1);
  // Accents of the combining-diacritics block go in every script (Greek tonos too); other letters stay.
  assert.deepEqual(ix.similarity('ΑΘΗΝΑ', 2), { similarity: 1, name: 'Αθήνα' });
  const near = ix.similarity('Αθηνε', 2).similarity;
  assert.ok(near > 0 && near < 1);
  assert.deepEqual(new NgramIndex([]).retrieve('anything', 5), []);
  assert.throws(() => new NgramIndex(ents, { threshold: 0 }), /threshold/);
  assert.throws(() => new NgramIndex(ents, { n: 1 }), /n must be/);
});

void test('stats count names once however many entities share them', () => {
  const ix = new NgramIndex([entity('A', 'Mercury'), entity('B', 'Mercury (planet)'), entity('C', 'mercury')]);
  // "Mercury (planet)" adds its base name "Mercury": the keys are "mercury" and "mercury planet".
  assert.equal(ix.stats.names, 2);
  assert.deepEqual(ix.retrieve('Mercury', 5).slice(0, 3).map((h) => [h.row, h.similarity]), [[0, 1], [1, 1], [2, 1]]);
});
