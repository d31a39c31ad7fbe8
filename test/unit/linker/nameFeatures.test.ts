import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editSimilarity, mentionInfo, nameFeatures, nameInfo } from '../../../src/core/linker/nameFeatures';

const features = (mention: string, ...names: string[]) => nameFeatures(mentionInfo(mention), names.map(nameInfo));

void test('edit similarity is 1 - Levenshtein / longer length, best over the names', () => {
  assert.equal(editSimilarity('waterford', 'waterfford'), 0.9);
  assert.equal(editSimilarity('abc', 'abc'), 1);
  assert.equal(editSimilarity('', ''), 1);
  const f = features('Countie of Wickloe', 'County Wicklow', 'Countie of Wicklow');
  assert.ok(Math.abs(f.edit - (1 - 1 / 18)) < 1e-9, `${f.edit}`);
});

void test('character n-gram similarity is defined for a variant spelling and 1 for the same name', () => {
  assert.equal(features('Dublin', 'Dublin').ngram, 1);
  const v = features('Dublyn', 'Dublin').ngram;
  assert.ok(v > 0.3 && v < 1, `${v}`);
  assert.equal(features('Dublin', 'Ohio').ngram, 0);
});

void test('token overlap is the word Jaccard with the closest name; every similarity is 1 when a name holds every token', () => {
  const f = features('Waldo Emersen', 'Ralph Waldo Emerson');
  assert.ok(Math.abs(f.tokenOverlap - 1 / 4) < 1e-9, `${f.tokenOverlap}`);
  const partial = features('Emerson', 'Ralph Waldo Emerson');
  assert.deepEqual([partial.lexical, partial.ngram, partial.tokenOverlap, partial.edit], [1, 1, 1, 1], 'a short name must not beat a longer one by form');
});

void test('exactCase needs the same case; acronym matches the initials with or without stop words', () => {
  assert.equal(features('Apple', 'apple').exactCase, 0);
  assert.equal(features('Apple', 'Apple Inc.', 'Apple').exactCase, 1);
  assert.equal(features('WHO', 'World Health Organization').acronym, 1);
  assert.equal(features('BoE', 'Bank of England').acronym, 0);
  assert.equal(features('BOE', 'Bank of England').acronym, 1);
  assert.equal(features('U.S.', 'United States').acronym, 1);
  assert.equal(features('WHO', 'The Who').acronym, 0);
  assert.equal(features('Who', 'World Health Organization').acronym, 0);
});

void test('a lower-case leading article is no part of the mention\'s name; a capitalised one may be', () => {
  // "the" would otherwise favour names holding "the" ("Energy policy of the United States") over the country.
  assert.equal(features('the United States', 'United States of America').lexical, 1);
  assert.equal(features('the United States', 'United States').exactCase, 1);
  assert.equal(features('the US', 'United States').acronym, 1);
  assert.ok(features('The Hague', 'Hague Convention').lexical < 1, 'a capitalised article stays part of the name');
  assert.equal(features('The Hague', 'The Hague').exactCase, 1);
});
