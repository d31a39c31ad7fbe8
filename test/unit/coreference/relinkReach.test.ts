import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PERSON_CLASSES } from '../../../src/core/coreference/pronouns';
import { withCoreferenceReach } from '../../../src/core/coreference/relinkReach';
import { changedRegion } from '../../../src/core/linker/paragraphs';

const OPTIONS = { detect: true, detectClasses: PERSON_CLASSES, window: 3 };

void test('an edit reaches the next paragraphs while a pronoun is within the window, chain by chain; not without detection', () => {
  const before = 'Marie Curie was born in Warsaw.\n\nShe studied.\n\nHe left.\n\nRain fell. Snow fell. Ice came. Spring came.\n\nShe won.';
  const after = before.replace('Marie Curie', 'Pierre Curie');
  const region = changedRegion(before, after);
  assert.ok(region !== undefined);
  const reach = withCoreferenceReach(after, region, OPTIONS);
  // "She studied." and "He left." are relinked; "She won." is five sentences past "He left.": out of reach (a line break ends a sentence too).
  assert.equal(reach.from, 0);
  assert.equal(reach.toNew, after.indexOf('He left.') + 'He left.'.length);
  assert.equal(reach.toOld, reach.toNew - (after.length - before.length));
  assert.deepEqual(withCoreferenceReach(after, region, { ...OPTIONS, detect: false }), region);
  // A paragraph without a pronoun is skipped, not relinked, and a window of 0 reaches nothing.
  assert.deepEqual(withCoreferenceReach(after, region, { ...OPTIONS, window: 0 }), region);
});
