import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeLeakFree, documentTextKey, leakFreeTraining } from '../../../src/core/training/leakFreeTraining';

const doc = (id: string, text: string): { id: string; text: string } => ({ id, text });

test('a training document whose text is a test document\'s is left out, whitespace aside', () => {
  const r = leakFreeTraining([doc('a', 'Alan Turing was born in London.'), doc('b', 'Ada  Lovelace\nwrote notes. '), doc('c', 'Grace Hopper.')], [doc('t', 'Ada Lovelace wrote notes.')]);
  assert.deepEqual(r.train.map((d) => d.id), ['a', 'c']);
  assert.equal(r.inTest, 1);
  assert.equal(r.repeats, 0);
  assert.equal(r.before, 3);
});

test('a text met twice among the training documents is kept once, the first', () => {
  const r = leakFreeTraining([doc('a', 'Same text.'), doc('b', 'Other.'), doc('c', ' Same\ttext.'), doc('d', 'Same text.')], []);
  assert.deepEqual(r.train.map((d) => d.id), ['a', 'b']);
  assert.equal(r.repeats, 2);
  assert.equal(r.inTest, 0);
});

test('a repeated training text that is also a test text counts as a test document each time', () => {
  const r = leakFreeTraining([doc('a', 'X y.'), doc('b', 'X  y.'), doc('c', 'Z.')], [doc('t', 'X y.')]);
  assert.deepEqual(r.train.map((d) => d.id), ['c']);
  assert.equal(r.inTest, 2);
  assert.equal(r.repeats, 0);
});

test('texts differing in more than whitespace are different documents', () => {
  assert.notEqual(documentTextKey('Paris, France.'), documentTextKey('Paris France.'));
  assert.equal(documentTextKey('  a \n b '), 'a b');
  const r = leakFreeTraining([doc('a', 'Paris, France.')], [doc('t', 'Paris France.')]);
  assert.equal(r.train.length, 1);
  assert.match(describeLeakFree('elevant', r), /^elevant: 1 of 1 training documents kept \(0 left out as test documents, 0 as repeats/);
});
