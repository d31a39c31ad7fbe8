import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { isCi, sharedMissingAt } from '../fixtures/repoPaths';

// The rule every test reading ../shared/data follows (through sharedMissing): skip visibly when it is absent on a
// developer machine, fail on CI, where it is always present.

void test('missing shared data: a visible skip locally, a failure with CI=true', () => {
  const nowhere = path.join(os.tmpdir(), 'no-such-shared-data-here');
  const reason = sharedMissingAt(nowhere, {}, 'elevant');
  assert.ok(typeof reason === 'string' && reason.includes(path.join(nowhere, 'elevant')), String(reason));
  assert.throws(() => sharedMissingAt(nowhere, { CI: 'true' }, 'elevant'), /CI is set.*failure, not a skip/);
  assert.throws(() => sharedMissingAt(nowhere, { CI: '1' }), /failure/);
  assert.equal(sharedMissingAt(os.tmpdir(), { CI: 'true' }), false, 'present data is no skip anywhere');
  assert.equal(isCi({ CI: 'false' }), false);
});
