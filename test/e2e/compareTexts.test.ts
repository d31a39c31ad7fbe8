import assert from 'node:assert/strict';
import { test } from 'node:test';
import { e2ePrerequisitesMissing, openWorkbench } from './harness/workbench';

// Missing code-server/Chromium skips locally with the reason; on CI setup installs them, so it is a failure.
const missing = e2ePrerequisitesMissing();
const skip = missing !== undefined && process.env.CI !== 'true' ? missing : false;

void test('Compare Two Texts from the command palette: two input boxes, a cosine, the encoder in the status bar', { skip, timeout: 240_000 }, async () => {
  assert.equal(missing, undefined, missing);
  // Compare Texts asks the linker worker, which encodes with the linking session's model: a two-entity KB keeps
  // the session's first open short (the built-in WordNet KB is embedded once per machine, minutes on 2 cores).
  const kb = [
    { id: 'Q312', title: 'Apple Inc.', text: 'American technology company that makes the iPhone and the Mac.' },
    { id: 'Q89', title: 'apple', text: 'Fruit of the apple tree.' },
  ];
  const workbench = await openWorkbench({
    name: 'compareTexts',
    files: {
      '.vscode/settings.json': JSON.stringify({ 'entityLinker.kb.sources': ['jsonl:kb/tiny.jsonl'], 'entityLinker.model.provider': 'cpu' }),
      'kb/tiny.jsonl': kb.map((e) => JSON.stringify(e)).join('\n') + '\n',
    },
  });
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
