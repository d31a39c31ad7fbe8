import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { labelAndNegatives } from '../../src/core/analysis/labelMatch';
import { parseAnnotationFile } from '../../src/core/annotations/annotationRecord';
import { silentLogger } from '../../src/core/log';
import { openLinkingSession } from '../../src/core/session/linkingSession';
import { REPO_ROOT } from '../integration/harness/codeServer';
import { PANEL_TEST_KB, PANEL_TEST_TEXT } from '../integration/suite/panelFixtureData';
import { shot, writeFixtureExtension } from './harness/panelFixture';
import { setTheme, until, webviewFrame } from './harness/webviews';
import { e2ePrerequisitesMissing, openWorkbench, type Workbench } from './harness/workbench';

// Missing code-server/Chromium skips locally with the reason; on CI setup installs them, so it is a failure.
const missing = e2ePrerequisitesMissing();
const skip = missing !== undefined && process.env.CI !== 'true' ? missing : false;

/** What the linker itself ranks for the first "Dublin" (labelled Q1): the negatives the panel must list. */
async function linkerNegatives(): Promise<string[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'panel-e2e-'));
  try {
    const kbFile = path.join(root, 'kb.jsonl');
    fs.writeFileSync(kbFile, PANEL_TEST_KB.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const session = await openLinkingSession({ kbSources: [{ path: kbFile, format: 'jsonl' }], packageRoot: REPO_ROOT, provider: 'cpu', cacheDir: path.join(root, 'cache'), indexKind: 'exact', logger: silentLogger });
    try {
      const [linked] = await session.linker.linkSpans(PANEL_TEST_TEXT, [{ start: 0, end: 'Dublin'.length }]);
      return labelAndNegatives([...linked.candidates], { kbId: 'Q1' }, 10, () => undefined).negatives.map((n) => n.id);
    } finally {
      await session.dispose();
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function openNotes(wb: Workbench): Promise<void> {
  await wb.page.keyboard.press('Escape');
  await wb.page.keyboard.press('Control+P');
  const box = wb.page.locator('.quick-input-widget input.input');
  await box.waitFor({ state: 'visible' });
  await box.fill('notes.txt');
  await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'notes.txt' }).first().waitFor({ state: 'visible' });
  await box.press('Enter');
  await wb.page.locator('.tab', { hasText: 'notes.txt' }).waitFor({ state: 'visible' });
  await wb.page.locator('.monaco-editor textarea').first().focus();
  await wb.page.keyboard.press('Control+Home');
}

function storedRecords(workspace: string): ReturnType<typeof parseAnnotationFile>['records'] {
  const file = path.join(workspace, '.entity-links', 'notes.txt.jsonl');
  return parseAnnotationFile(fs.readFileSync(file, 'utf8'), file).records;
}

/** More room for the panels in the screenshots: the side bars closed, the pointer parked off any control. */
async function declutter(wb: Workbench): Promise<void> {
  for (const title of ['View: Close Primary Side Bar']) {
    try {
      await wb.runCommand(title);
    } catch {
      // An older or newer workbench may name it differently; the screenshots are only narrower then.
    }
  }
}

void test('panels end to end: the mention view lists the linker\'s negatives, escapes KB text, relabels by click; the corpus view plots and restores after a reload', { skip, timeout: 420_000 }, async () => {
  assert.equal(missing, undefined, missing);
  const expected = await linkerNegatives();
  assert.ok(expected.includes('Q3'), `the band should be a negative of "Dublin": ${expected.join(', ')}`);
  const extension = writeFixtureExtension();
  const wb = await openWorkbench({ name: 'panel', files: { 'notes.txt': PANEL_TEST_TEXT }, extensionDevelopmentPath: extension, settings: { 'workbench.colorTheme': 'Default Dark Modern', 'workbench.secondarySideBar.defaultVisibility': 'hidden' } });
  const shots: string[] = [];
  try {
    const page = wb.page;
    await page.locator('.statusbar-item', { hasText: 'panel fixture ready' }).waitFor({ state: 'visible', timeout: 180_000 });
    await declutter(wb);
    await openNotes(wb);
    await wb.runCommand('Entity Linker: Show Hard Negatives for Mention');
    let frame = await webviewFrame(page, '[data-table="negatives"] tbody tr');

    // The negatives listed are the linker's, in its order.
    const ids = (await frame.locator('[data-table="negatives"] tbody tr .id').allTextContents()).map((s) => s.trim());
    assert.deepEqual(ids, expected);
    assert.match((await frame.locator('[data-testid="label-title"]').textContent()) ?? '', /^Dublin$/);

    // KB markup is shown as text and never runs.
    const bandRow = frame.locator('[data-table="negatives"] tbody tr', { hasText: 'Q3' });
    assert.match((await bandRow.locator('.desc').textContent()) ?? '', /^<img src=x onerror="document\.title='pwned'"><script>/);
    assert.equal(await frame.locator('img').count(), 0);
    assert.equal(await frame.locator('#app script').count(), 0);
    assert.notEqual(await frame.title(), 'pwned');
    assert.notEqual(await page.title(), 'pwned');
    shots.push(await shot(wb, 'mention-view'));

    // Keyboard: R on a focused row opens the KB record (Enter expands the row); Escape closes it.
    await bandRow.focus();
    await page.keyboard.press('Enter');
    assert.equal(await bandRow.getAttribute('aria-expanded'), 'true');
    await page.keyboard.press('r');
    const dialog = frame.locator('dialog[data-testid="record"]');
    await dialog.waitFor({ state: 'visible' });
    assert.match((await dialog.textContent()) ?? '', /An Irish folk band/);
    assert.equal(await dialog.locator('img').count(), 0);
    shots.push(await shot(wb, 'mention-record'));
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // Relabel by clicking the hardest negative's button: the stored annotation changes.
    const target = ids[0];
    const targetTitle = PANEL_TEST_KB.find((e) => e.id === target)?.title ?? target;
    await frame.locator('[data-table="negatives"] tbody tr').first().locator('[data-action="relabel"]').click();
    await until(`the annotation of "Dublin" to become ${target}`, () => storedRecords(wb.workspace).find((r) => r.start === 0)?.kbId === target);
    await frame.locator('[data-testid="label-title"]', { hasText: targetTitle }).waitFor({ state: 'visible' });
    const relabelled = (await frame.locator('[data-table="negatives"] tbody tr .id').allTextContents()).map((s) => s.trim());
    assert.ok(relabelled.includes('Q1') && !relabelled.includes(target), `after the relabel the old label is a negative: ${relabelled.join(', ')}`);
    shots.push(await shot(wb, 'mention-relabelled'));

    // Corpus view: figures, a plot, a click on a margin bin lists its mentions.
    await wb.runCommand('Entity Linker: Corpus Analysis');
    frame = await webviewFrame(page, '[data-testid="summary"]');
    await frame.locator('.chart canvas').first().waitFor({ state: 'visible' });
    assert.match((await frame.locator('[data-testid="summary"]').textContent()) ?? '', /Accuracy/);
    shots.push(await shot(wb, 'corpus-dark'));
    await frame.locator('[data-bin]').first().click();
    await frame.locator('[data-table="mentions"] tbody tr').first().waitFor({ state: 'visible' });
    assert.equal(await frame.locator('#view-overview').isHidden(), true, 'a bin click switches to the mentions tab');
    shots.push(await shot(wb, 'corpus-mentions'));

    await frame.locator('#tab-overview').click();
    for (const [theme, name] of [['Light Modern', 'corpus-light'], ['Dark High Contrast', 'corpus-high-contrast']] as const) {
      await setTheme(wb, theme);
      await page.waitForTimeout(1_500);
      shots.push(await shot(wb, name));
    }

    // After a window reload the serializer restores the corpus panel from its saved state.
    await wb.runCommand('Developer: Reload Window');
    await page.locator('.statusbar-item', { hasText: 'panel fixture ready' }).waitFor({ state: 'visible', timeout: 180_000 });
    frame = await webviewFrame(page, '[data-testid="summary"]', 90_000);
    assert.match((await frame.locator('[data-testid="summary"]').textContent()) ?? '', /Accuracy/);
    shots.push(await shot(wb, 'corpus-restored'));
    console.log(`negatives ${ids.join(', ')}; relabelled to ${target}; screenshots:\n${shots.join('\n')}`);
  } catch (e) {
    console.log(`screenshot at failure: ${await wb.screenshot('failure')}`);
    throw e;
  } finally {
    await wb.close();
  }
});
