import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LexicalIndex } from '../../../src/core/linker/lexicalIndex';
import { TINY_ENTITIES } from '../../fixtures/linker/tinyKb';

const idOf = (row: number): string => TINY_ENTITIES[row].id;

void test('exact names (titles and aliases) come first, in KB order', () => {
  const lex = new LexicalIndex(TINY_ENTITIES);
  assert.deepEqual(lex.exactRows('new york').map(idOf), ['Q3', 'Q4']);
  assert.deepEqual(lex.retrieve('New York', 5).slice(0, 2).map((h) => idOf(h.row)), ['Q3', 'Q4']);
  assert.deepEqual(lex.exactRows('NYC').map(idOf), ['Q3']);
  assert.deepEqual(lex.exactRows('Dublin City'), []);
});

void test('fuzzy BM25 retrieval finds misspelt and partial names', () => {
  const lex = new LexicalIndex(TINY_ENTITIES);
  const hits = lex.retrieve('Dublyn', 5).map((h) => idOf(h.row));
  assert.deepEqual(hits.slice(0, 2).sort(), ['Q1', 'Q2']);
  assert.equal(idOf(lex.retrieve('Health Organisation', 3)[0].row), 'Q5');
  assert.equal(lex.retrieve('Liffey river', 1).length, 1);
});

void test('k bounds the hits, except that all exact names are kept', () => {
  const lex = new LexicalIndex(TINY_ENTITIES);
  assert.equal(lex.retrieve('Ireland', 1).length, 1);
  assert.equal(lex.retrieve('Dublin', 1).length, 2);
  assert.equal(lex.retrieve('New York', 1).length, 2);
});

void test('similarity: 1 when the mention tokens are all in one name, else trigram Dice of the closest name', () => {
  const lex = new LexicalIndex(TINY_ENTITIES);
  assert.equal(lex.similarity('NYC', 2), 1);
  assert.equal(lex.similarity('new  york city', 2), 1);
  // A partial name scores the same against every full name that contains it; context must decide.
  assert.equal(lex.similarity('Health', 4), 1);
  assert.equal(lex.similarity('York', 2), 1);
  assert.equal(lex.similarity('York', 3), 1);
  assert.ok(lex.similarity('York City Hall', 2) < 1);
  const near = lex.similarity('Dublyn', 0);
  const far = lex.similarity('Dublyn', 11);
  assert.ok(near > 0.4 && near < 1, `near ${near}`);
  assert.ok(far < near, `far ${far}`);
});
