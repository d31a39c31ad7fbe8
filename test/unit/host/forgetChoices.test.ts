import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forgetChoices } from '../../../src/host/learning/forgetChoices';

test('Forget What Was Learned: the first row, the one Enter takes, keeps what was learned; forgetting is the second', () => {
  const { items } = forgetChoices(3);
  assert.equal(items.length, 2);
  assert.equal(items[0].forget, false);
  assert.match(items[0].label, /Keep what was learned/);
  assert.equal(items[1].forget, true);
  assert.match(items[1].label, /Forget/);
  assert.match(items[1].detail, /cannot be undone/);
  assert.equal(items.filter((i) => i.forget).length, 1, 'one row forgets');
});

test('the question counts the decisions in words', () => {
  assert.equal(forgetChoices(1).title, 'Forget what the linker learned from 1 decision in this workspace?');
  assert.match(forgetChoices(4).title, /from 4 decisions in/);
});
