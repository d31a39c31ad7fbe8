import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Gazetteer } from '../../../src/core/linker/gazetteer';
import { withinOneEdit, FuzzyTokenIndex } from '../../../src/core/linker/fuzzyTokens';
import { TINY_ENTITIES } from '../../fixtures/linker/tinyKb';

const ids = (rows: readonly number[]): string[] => rows.map((r) => TINY_ENTITIES[r].id);

void test('longest match wins and matches do not overlap', () => {
  const g = new Gazetteer(TINY_ENTITIES);
  const text = 'She moved from New York City to New York State, then to Dublin.';
  const found = g.detect(text);
  assert.deepEqual(found.map((m) => m.text), ['New York City', 'New York State', 'Dublin']);
  assert.deepEqual(ids(found[0].rows), ['Q3']);
  assert.deepEqual(ids(found[1].rows), ['Q4']);
  for (let i = 1; i < found.length; i++) assert.ok(found[i].start >= found[i - 1].end);
  assert.equal(text.slice(found[0].start, found[0].end), 'New York City');
});

void test('a shared name returns every entity that has it', () => {
  const g = new Gazetteer(TINY_ENTITIES);
  const [m] = g.detect('We flew into New York yesterday.');
  assert.equal(m.text, 'New York');
  assert.deepEqual(ids(m.rows), ['Q3', 'Q4']);
});

void test('token boundaries: no match inside a longer word, punctuation splits', () => {
  const g = new Gazetteer(TINY_ENTITIES);
  assert.deepEqual(g.detect('The Dubliners and Ohioans met.'), []);
  assert.deepEqual(g.detect("Dublin's pubs (Ohio)").map((m) => m.text), ['Dublin', 'Ohio']);
});

void test('acronyms, short and stop-word names need their exact case', () => {
  const g = new Gazetteer(TINY_ENTITIES, { mode: 'all-words' });
  assert.deepEqual(g.detect('the who said who knows').map((m) => m.text), []);
  assert.deepEqual(g.detect('The WHO warned; The Who played.').map((m) => ids(m.rows)), [['Q5'], ['Q6']]);
  assert.deepEqual(g.detect('it was It that scared me').map((m) => m.text), ['It']);
});

void test("case-insensitive otherwise; 'names' mode skips lower-case common nouns, 'all-words' keeps them", () => {
  const names = new Gazetteer(TINY_ENTITIES);
  assert.deepEqual(names.detect('she ate an apple in DUBLIN').map((m) => [m.text, ids(m.rows)]), [['DUBLIN', ['Q1', 'Q2']]]);
  assert.deepEqual(names.detect('Apple sells phones').map((m) => ids(m.rows)), [['Q7']]);
  const all = new Gazetteer(TINY_ENTITIES, { mode: 'all-words' });
  assert.deepEqual(all.detect('she ate an apple in dublin').map((m) => [m.text, ids(m.rows)]), [
    ['apple', ['Q7', 'Q8']],
    ['dublin', ['Q1', 'Q2']],
  ]);
});

void test('NFKC and diacritics of the name are kept exact, width variants fold', () => {
  const g = new Gazetteer(TINY_ENTITIES);
  assert.deepEqual(g.detect('Baile Átha Cliath is the Irish name.').map((m) => ids(m.rows)), [['Q1']]);
  // Fullwidth letters normalise to ASCII under NFKC.
  assert.deepEqual(g.detect('Visit Ｉｒｅｌａｎｄ now').map((m) => ids(m.rows)), [['Q11']]);
});

void test('fuzzy detection corrects one edit in tokens of 5+ characters, only when enabled', () => {
  const text = 'The ship sailed up the Lyffey to Dublyn.';
  assert.deepEqual(new Gazetteer(TINY_ENTITIES).detect(text), []);
  const g = new Gazetteer(TINY_ENTITIES, { fuzzy: true });
  const found = g.detect(text);
  assert.deepEqual(found.map((m) => [m.text, ids(m.rows), m.fuzzy]), [
    ['Lyffey', ['Q10'], true],
    ['Dublyn', ['Q1', 'Q2'], true],
  ]);
  // Short tokens are never corrected; exact spellings are not marked fuzzy.
  assert.deepEqual(g.detect('Ohia and Dublin').map((m) => [m.text, m.fuzzy]), [['Dublin', false]]);
});

void test('one-edit check and the symmetric-delete table agree', () => {
  assert.ok(withinOneEdit('dublin', 'dublyn'));
  assert.ok(withinOneEdit('dublin', 'dubiln'));
  assert.ok(withinOneEdit('dublin', 'dublinn'));
  assert.ok(withinOneEdit('dublin', 'dubin'));
  assert.ok(!withinOneEdit('dublin', 'dbulni'));
  const idx = new FuzzyTokenIndex(['dublin', 'berlin', 'merlin'], 5);
  assert.deepEqual(idx.neighbours('dublyn'), ['dublin']);
  assert.deepEqual(idx.neighbours('berlim'), ['berlin']);
  assert.deepEqual(idx.neighbours('dub'), []);
});

void test('detection of a range keeps offsets relative to the whole text', () => {
  const g = new Gazetteer(TINY_ENTITIES);
  const text = 'Ohio first. Then Dublin.';
  const found = g.detect(text, 12, text.length);
  assert.deepEqual(found.map((m) => [m.start, m.text]), [[17, 'Dublin']]);
});

void test('a qualified title is also found by its base name', () => {
  const g = new Gazetteer(TINY_ENTITIES);
  assert.deepEqual(g.detect('Dublin grew.').map((m) => ids(m.rows)), [['Q1', 'Q2']]);
  assert.deepEqual(g.detect('Dublin, Ohio grew.').map((m) => ids(m.rows)), [['Q2']]);
});

void test('one-character names are never detected', () => {
  const g = new Gazetteer([{ id: 'iodine', title: 'I', text: '', aliases: ['A'] }, ...TINY_ENTITIES], { mode: 'all-words' });
  assert.deepEqual(g.detect('I think A is in Ohio').map((m) => m.text), ['Ohio']);
});
