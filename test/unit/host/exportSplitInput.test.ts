import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_DEV_FRACTION, DEFAULT_SPLIT_SEED } from '../../../src/core/formats/documentSplit';
import { devShareQuestion, splitSeedQuestion } from '../../../src/host/training/exportSplitInput';

void test('Export Training Data asks the dev share with the CLI\'s default and refuses what export --dev-fraction refuses', () => {
  const q = devShareQuestion();
  assert.equal(q.value, String(DEFAULT_DEV_FRACTION));
  for (const ok of ['0', '0.2', ' 0.5 ', '0.999']) assert.equal(q.validateInput(ok), undefined, ok);
  for (const bad of ['', ' ', 'abc', '1', '5', '-0.1', 'NaN', 'Infinity', '20%']) {
    assert.match(q.validateInput(bad) ?? '', /cannot be used: the dev share is a number from 0 \(no dev split\) up to, not including, 1/, bad);
  }
  assert.equal(q.parse(' 0.25 '), 0.25);
});

void test('the split seed is a question of its own, a whole number from 0 to 2^32-1 (no longer fixed at 1)', () => {
  const q = splitSeedQuestion();
  assert.equal(q.value, String(DEFAULT_SPLIT_SEED));
  for (const ok of ['0', '7', '4294967295']) assert.equal(q.validateInput(ok), undefined, ok);
  for (const bad of ['', '-1', '1.5', '4294967296', '1e300', 'seven']) assert.match(q.validateInput(bad) ?? '', /a seed is a whole number from 0 to 4294967295/, bad);
  assert.equal(q.parse('42'), 42);
});
