import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Entity } from '../../../src/core/kb/entity';
import { KbSearch } from '../../../src/core/linker/kbSearch';
import { LexicalIndex } from '../../../src/core/linker/lexicalIndex';

const ENTITIES: Entity[] = ['Elizabeth Bishop', 'Elizabethtown', 'Eliza Doolittle', 'Ralph Waldo Emerson', 'Emerson College', 'Emersonian'].map((title, i) => ({
  id: `Q${i}`,
  title,
  text: '',
  aliases: i === 0 ? ['Bishop'] : [],
}));

void test('withOptions shares the names but queries with its own settings, exactly as an index built with them', () => {
  const words = new LexicalIndex(ENTITIES);
  const prefix = words.withOptions({ prefix: true, fuzzy: 0.2 });
  const built = new LexicalIndex(ENTITIES, { prefix: true, fuzzy: 0.2 });
  for (const q of ['Eliz', 'Emers', 'Emerson', 'Bishp', 'Waldo E']) {
    assert.deepEqual(prefix.retrieve(q, 5), built.retrieve(q, 5), q);
    assert.deepEqual(prefix.exactRows(q), built.exactRows(q));
  }
  assert.ok(prefix.retrieve('Eliz', 5).length >= 3, 'prefixes match');
  assert.deepEqual(words.retrieve('Eliz', 5), new LexicalIndex(ENTITIES).retrieve('Eliz', 5), 'the word index keeps its own settings');
});

void test('KbSearch reuses the linker word index for prefixes when it is over the same entities, else builds its own', () => {
  const words = new LexicalIndex(ENTITIES);
  let asked = 0;
  const search = new KbSearch(ENTITIES, () => {
    asked++;
    return words;
  });
  const other = new KbSearch(ENTITIES.slice(), () => words);
  assert.deepEqual(search.rows('Elizab', 3), other.rows('Elizab', 3));
  assert.equal(search.rows('Emerson Col', 3)[0], 4, 'the prefix of the last word finds Emerson College');
  assert.equal(search.rows('Emersoni', 3)[0], 5);
  assert.ok(asked >= 1);
  assert.ok(words.isOver(ENTITIES) && !words.isOver(ENTITIES.slice()));
});
