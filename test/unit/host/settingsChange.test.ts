import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planSettingsChange, SETTING_EFFECTS } from '../../../src/host/settingsChange';

/** affectsConfiguration as VS Code answers it: the key itself or a section above it. */
const changed = (...keys: string[]) => (section: string): boolean => keys.some((k) => k === section || k.startsWith(`${section}.`));

void test('changing model.path with a loaded session asks once (Compare Texts uses the session, so nothing else reloads)', () => {
  assert.deepEqual(planSettingsChange(changed('entityLinker.model.path'), 'ready'), { session: 'ask' });
  assert.deepEqual(planSettingsChange(changed('entityLinker.model.provider', 'entityLinker.kb.sources'), 'loading'), { session: 'ask' });
});

void test('with no session loaded (idle) a session setting only re-links; after a failed load it reloads without asking', () => {
  assert.deepEqual(planSettingsChange(changed('entityLinker.model.path'), 'idle'), { session: 'relink' });
  assert.deepEqual(planSettingsChange(changed('entityLinker.kb.lenient'), 'failed'), { session: 'reload' });
});

void test('re-link settings re-link; annotation settings (a section) re-link; unrelated settings do nothing', () => {
  assert.deepEqual(planSettingsChange(changed('entityLinker.linking.topK'), 'ready'), { session: 'relink' });
  assert.deepEqual(planSettingsChange(changed('entityLinker.annotation.acceptThreshold'), 'ready'), { session: 'relink' });
  assert.deepEqual(planSettingsChange(changed('entityLinker.linking.debounceMs', 'editor.fontSize'), 'ready'), { session: 'none' });
});

void test('every contributed entityLinker setting that is read once per session is in the table', () => {
  for (const key of ['kb.sources', 'kb.config', 'kb.lenient', 'model.path', 'model.provider', 'linking.detection', 'linking.nilThreshold']) {
    assert.ok(SETTING_EFFECTS[`entityLinker.${key}`]?.includes('reloadSession'), key);
  }
});

void test('changing the annotator switches it at once (no reload, no prompt), beside whatever else changed', () => {
  assert.deepEqual(planSettingsChange(changed('entityLinker.annotator'), 'ready'), { session: 'none', switchAnnotator: true });
  assert.deepEqual(planSettingsChange(changed('entityLinker.annotator', 'entityLinker.model.path'), 'ready'), { session: 'ask', switchAnnotator: true });
  // The annotation section is another setting: it re-links, the annotator stays.
  assert.deepEqual(planSettingsChange(changed('entityLinker.annotation.autoAdvance'), 'ready'), { session: 'relink' });
});
