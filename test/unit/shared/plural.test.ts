import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plural } from '../../../src/shared/plural';

test('one takes the singular, every other count the plural', () => {
  assert.equal(plural(1, 'decision'), '1 decision');
  assert.equal(plural(3, 'decision'), '3 decisions');
  assert.equal(plural(0, 'mention'), '0 mentions');
  assert.equal(plural(1.5, 'mention'), '1.5 mentions');
});

test('an irregular noun gives its plural form', () => {
  assert.equal(plural(1, 'entity', 'entities'), '1 entity');
  assert.equal(plural(2, 'entity', 'entities'), '2 entities');
  assert.equal(plural(2, 'text file'), '2 text files');
});

test('a count already formatted keeps its formatting', () => {
  assert.equal(plural((12345).toLocaleString('en-US'), 'entity', 'entities'), '12,345 entities');
  assert.equal(plural('1', 'entity', 'entities'), '1 entity');
});
