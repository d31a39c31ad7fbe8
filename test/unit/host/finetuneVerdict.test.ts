import assert from 'node:assert/strict';
import { test } from 'node:test';
import { finetuneMessage, finetuneVerdict } from '../../../src/host/training/finetuneVerdict';

void test('a run whose best epoch is 0 (no epoch beat the parent) did not improve and offers no "use it"', () => {
  const verdict = finetuneVerdict({ bestEpoch: 0, devMentions: 12 });
  assert.equal(verdict, 'unchanged');
  const message = finetuneMessage(verdict, 'recall@64 0.0% → 0.0%');
  assert.equal(message.success, false);
  assert.equal(message.offerUse, false);
  assert.match(message.text, /did not improve/);
  assert.doesNotMatch(message.text, /ready/);
});

void test('a run with a better epoch is a success that offers the new model', () => {
  const message = finetuneMessage(finetuneVerdict({ bestEpoch: 2, devMentions: 12 }), 'recall@64 50.0% → 75.0%');
  assert.deepEqual([message.success, message.offerUse], [true, true]);
  assert.match(message.text, /ready: recall@64 50\.0% → 75\.0%\.$/);
});

void test('without dev mentions the quality is not measured, and the message says so', () => {
  const message = finetuneMessage(finetuneVerdict({ bestEpoch: 0, devMentions: 0 }), 'x');
  assert.equal(message.success, false);
  assert.match(message.text, /not measured/);
});

void test('with whole-linker selection the dev accuracy decides, whatever the epoch', () => {
  // Epoch 0 keeps the parent's head but comes with a refitted ranker and the learned state: better is better.
  assert.equal(finetuneVerdict({ bestEpoch: 0, devMentions: 12, linker: { before: 0.8, after: 0.85 } }), 'improved');
  assert.equal(finetuneVerdict({ bestEpoch: 2, devMentions: 12, linker: { before: 0.8, after: 0.8 } }), 'unchanged');
  assert.equal(finetuneVerdict({ bestEpoch: 1, devMentions: 12, linker: { before: 0.8, after: 0.75 } }), 'unchanged');
});
