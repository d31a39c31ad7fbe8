import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkerError } from '../../../src/core/errors';
import { ENGINE_OPTIONS, parseCommandArgs } from '../../../src/cli/options';
import { withDetectionArgs } from '../../../src/cli/sessionArgs';

const parse = (args: string[]) => parseCommandArgs(args, ENGINE_OPTIONS, 'usage').values;

void test('--coreference off|spans|detect sets the linker coreference options, beside the detection ones', () => {
  assert.deepEqual(withDetectionArgs(parse(['--coreference', 'detect']), undefined), { coreference: { link: true, detect: true } });
  assert.deepEqual(withDetectionArgs(parse(['--coreference', 'off']), { topK: 3 }), { topK: 3, coreference: { link: false, detect: false } });
  assert.deepEqual(withDetectionArgs(parse(['--coreference', 'spans', '--detection', 'all-words']), undefined), { coreference: { link: true, detect: false }, detection: { mode: 'all-words' } });
  assert.throws(() => withDetectionArgs(parse(['--coreference', 'yes']), undefined), (e: unknown) => e instanceof LinkerError && /--coreference must be one of off, spans, detect/.test(e.message));
});
