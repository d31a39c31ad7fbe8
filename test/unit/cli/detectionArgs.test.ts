import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkerError } from '../../../src/core/errors';
import { ENGINE_OPTIONS, parseCommandArgs } from '../../../src/cli/options';
import { withDetectionArgs } from '../../../src/cli/sessionArgs';

const parse = (args: string[]) => parseCommandArgs(args, ENGINE_OPTIONS, 'usage').values;

void test('--detection and --fuzzy set the linker detection options, over what the command passes', () => {
  assert.equal(withDetectionArgs(parse([]), undefined), undefined);
  assert.deepEqual(withDetectionArgs(parse(['--detection', 'all-words']), undefined), { detection: { mode: 'all-words' } });
  assert.deepEqual(withDetectionArgs(parse(['--fuzzy']), { topK: 3 }), { topK: 3, detection: { mode: 'names', fuzzy: true } });
  assert.deepEqual(withDetectionArgs(parse(['--fuzzy']), { detection: { mode: 'all-words', minNameLength: 4 } }), { detection: { mode: 'all-words', minNameLength: 4, fuzzy: true } });
  assert.throws(() => withDetectionArgs(parse(['--detection', 'nouns']), undefined), (e: unknown) => e instanceof LinkerError && /--detection must be one of names, all-words/.test(e.message));
});
