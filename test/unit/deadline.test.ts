import { test } from 'node:test';
import assert from 'node:assert/strict';
import { settledWithin } from '../../src/core/deadline';

const after = <T>(ms: number, value: T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms));

void test('settledWithin: the value when it comes in time, undefined past the deadline (the promise still runs)', async () => {
  assert.equal(await settledWithin(after(5, 'fast'), 500), 'fast');
  const slow = after(80, 'slow');
  assert.equal(await settledWithin(slow, 10), undefined);
  assert.equal(await slow, 'slow', 'the late answer is still there for whoever fills it in');
  await assert.rejects(settledWithin(Promise.reject(new Error('broken')), 500), /broken/);
});
