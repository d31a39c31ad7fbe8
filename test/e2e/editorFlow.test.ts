import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { e2ePrerequisitesMissing, openWorkbench } from './harness/workbench';

const missing = e2ePrerequisitesMissing();
const skip = missing !== undefined && process.env.CI !== 'true' ? missing : false;

const KB = [
  { id: 'Q312', title: 'Apple Inc.', text: 'American technology company that makes the iPhone.', aliases: ['Apple'], type: 'organization' },
  { id: 'Q89', title: 'apple', text: 'Edible fruit of the apple tree.', aliases: ['Apple'], type: 'fruit' },
  { id: 'Q19837', title: 'Steve Jobs', text: 'American businessman, co-founder of Apple Inc.', aliases: ['Jobs'], type: 'person' },
  { id: 'Q60', title: 'New York City', text: 'Most populous city in the United States.', aliases: ['New York', 'NYC'], type: 'city' },
];
const TEXT = 'Steve Jobs co-founded Apple, the technology company that makes the iPhone.\n\nHe later moved to New York.\n';

void test('annotating in the editor: open a document, hover a mention, accept by keyboard', { skip, timeout: 300_000 }, async () => {
  assert.equal(missing, undefined, missing);
  const workbench = await openWorkbench({
    name: 'editorFlow',
    // Workspace settings: the remote extension host does not read machine-overridable settings from the
    // browser-side user settings file the harness writes.
    files: {
      '.vscode/settings.json': JSON.stringify({ 'entityLinker.kb.sources': ['jsonl:kb/tiny.jsonl'], 'entityLinker.model.provider': 'cpu' }),
      'kb/tiny.jsonl': KB.map((e) => JSON.stringify(e)).join('\n') + '\n',
      'story.txt': TEXT,
    },
  });
  const { page } = workbench;
  try {
    // Quick Open the document.
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill('story.txt');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'story.txt' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await input.press('Enter');
    // The status bar names the KB once the session is ready.
    await page.locator('.statusbar-item', { hasText: /tiny\.jsonl \(4\) · use-lite · cpu/ }).first().waitFor({ state: 'visible', timeout: 120_000 });
    // And the document is linked (its three mentions counted in the status bar) before the keys: the session can be
    // ready while the first link still loads what it needs (the demonym table), and Next Unresolved would find nothing.
    await page.locator('.statusbar-item', { hasText: /^\s*0\/3\s*$/ }).first().waitFor({ state: 'visible', timeout: 60_000 });
    // Decorations are drawn in an overlay layer (not as text spans), so the flow is driven by keyboard:
    // next unresolved mention twice (Steve Jobs, then Apple), show the hover, accept the top candidate.
    await page.locator('.view-lines').first().click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Control+Alt+BracketRight');
    await page.locator('.statusbar-item', { hasText: /Ln 1, Col 11 \(10 selected\)/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.keyboard.press('Control+Alt+BracketRight');
    await page.locator('.statusbar-item', { hasText: /Ln 1, Col 28 \(5 selected\)/ }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = page.locator('.monaco-hover', { hasText: 'Apple Inc.' }).first();
    await hover.waitFor({ state: 'visible', timeout: 15_000 });
    const hoverText = (await hover.textContent()) ?? '';
    assert.match(hoverText, /Apple: predicted, confidence/);
    assert.match(hoverText, /fruit/);
    const hoverShot = await workbench.screenshot('editor-hover');

    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Alt+Enter');
    const file = path.join(workbench.workspace, '.entity-links', 'story.txt.jsonl');
    const deadline = Date.now() + 15_000;
    while (!(fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes('"status":"accepted"'))) {
      if (Date.now() > deadline) throw new Error(`no accepted annotation in ${file}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const stored = fs.readFileSync(file, 'utf8');
    assert.match(stored, /"text":"Apple"/);

    // The accept moved the cursor on to the next unresolved mention (New York): Choose Candidate there and pick
    // from a live KB search.
    await page.locator('.statusbar-item', { hasText: /Ln 3, Col 27 \(8 selected\)/ }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.press('Control+Alt+Space');
    const picker = page.locator('.quick-input-widget');
    await picker.locator('.quick-input-title', { hasText: 'Link "New York": He later moved to «New York».' }).waitFor({ state: 'visible', timeout: 10_000 });
    await picker.locator('input.input').fill('Steve Jo');
    const hit = picker.locator('.monaco-list-row', { hasText: 'American businessman' }).first();
    await hit.waitFor({ state: 'visible', timeout: 10_000 });
    const pickerShot = await workbench.screenshot('editor-picker');
    await hit.click();
    const chosenDeadline = Date.now() + 15_000;
    while (!fs.readFileSync(file, 'utf8').includes('"kbId":"Q19837"')) {
      if (Date.now() > chosenDeadline) throw new Error('the entity chosen in the picker was not stored');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Open the Mentions view so the screenshot shows the accepted mention in it.
    await workbench.runCommand('Explorer: Focus on Entity Mentions View');
    await page.locator('.monaco-list-row', { hasText: 'Accepted' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    const acceptedShot = await workbench.screenshot('editor-accepted');
    console.log(`screenshots: ${hoverShot}, ${pickerShot}, ${acceptedShot}`);
  } catch (e) {
    console.log(`screenshot at failure: ${await workbench.screenshot('failure')}`);
    throw e;
  } finally {
    await workbench.close();
  }
});
