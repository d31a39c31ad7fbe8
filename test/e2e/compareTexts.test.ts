import assert from 'node:assert/strict';
import { test } from 'node:test';
import { e2ePrerequisitesMissing, openWorkbench } from './harness/workbench';

// Missing code-server/Chromium skips locally with the reason; on CI setup installs them, so it is a failure.
const missing = e2ePrerequisitesMissing();
const skip = missing !== undefined && process.env.CI !== 'true' ? missing : false;

void test('Compare Two Texts from the command palette: two input boxes, a cosine, the encoder in the status bar', { skip, timeout: 240_000 }, async () => {
  assert.equal(missing, undefined, missing);
  const workbench = await openWorkbench({ name: 'compareTexts' });
  try {
    await workbench.runCommand('Entity Linker: Compare Two Texts');
    await workbench.answerQuickInput(/First text/, 'Steve Jobs co-founded Apple');
    await workbench.answerQuickInput(/Second text/, 'Apple Inc. is an American technology company');
    const message = await workbench.waitForNotification(/Cosine similarity/, 60_000);
    const cosine = Number(/Cosine similarity: (-?\d+\.\d+)/.exec(message)?.[1]);
    assert.ok(cosine > 0.3 && cosine <= 1, `unexpected cosine in "${message}"`);
    const status = workbench.page.locator('.statusbar-item', { hasText: /use-lite · \w+/ }).first();
    await status.waitFor({ state: 'visible', timeout: 10_000 });
    await workbench.runCommand('Notifications: Show Notifications');
    await workbench.page.locator('.notifications-center').waitFor({ state: 'visible' });
    await workbench.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    const screenshot = await workbench.screenshot('compare-texts');
    console.log(`cosine ${cosine}; status bar "${(await status.textContent())?.trim()}"; screenshot ${screenshot}`);
  } catch (e) {
    console.log(`screenshot at failure: ${await workbench.screenshot('failure')}`);
    throw e;
  } finally {
    await workbench.close();
  }
});
