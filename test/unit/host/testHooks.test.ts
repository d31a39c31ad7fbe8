import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TEST_HOOKS_ENV, testHooksFor } from '../../../src/host/testHooks';

void test('the test hooks are made only when the harness set the variable to 1', () => {
  let made = 0;
  const make = (): { hooks: true } => {
    made++;
    return { hooks: true };
  };
  assert.equal(testHooksFor({}, make), undefined);
  assert.equal(testHooksFor({ [TEST_HOOKS_ENV]: '' }, make), undefined);
  assert.equal(testHooksFor({ [TEST_HOOKS_ENV]: 'true' }, make), undefined);
  assert.equal(made, 0, 'nothing is built for other callers');
  assert.deepEqual(testHooksFor({ [TEST_HOOKS_ENV]: '1' }, make), { hooks: true });
});
