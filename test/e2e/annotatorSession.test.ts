import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { parseAnnotationFile, type AnnotationRecord } from '../../src/core/annotations/annotationRecord';
import { until, setTheme, webviewFrame } from './harness/webviews';
import { e2ePrerequisitesMissing, openWorkbench, type Workbench } from './harness/workbench';

const missing = e2ePrerequisitesMissing();
const skip = missing !== undefined && process.env.CI !== 'true' ? missing : false;

const KB = [
  { id: 'Q1', title: 'Ada Lovelace', text: 'English mathematician who wrote the first published computer program, for the Analytical Engine.', aliases: ['Lovelace'], type: 'person' },
  { id: 'Q2', title: 'Charles Babbage', text: 'English polymath and mechanical engineer who designed the Analytical Engine.', aliases: ['Babbage'], type: 'person' },
  { id: 'Q3', title: 'Analytical Engine', text: 'A proposed mechanical general-purpose computer designed by Charles Babbage.', aliases: [], type: 'machine' },
  { id: 'Q4', title: 'London', text: 'Capital and largest city of England and the United Kingdom, on the River Thames.', aliases: [], type: 'city' },
  { id: 'Q5', title: 'London, Ontario', text: 'A city in southwestern Ontario, Canada, on the Thames River.', aliases: ['London'], type: 'city' },
  { id: 'Q6', title: 'Alan Turing', text: 'English mathematician and computer scientist, a founder of theoretical computer science.', aliases: ['Turing'], type: 'person' },
  { id: 'Q7', title: 'Bletchley Park', text: 'English country house where Allied codebreakers worked during the Second World War.', aliases: [], type: 'place' },
  { id: 'Q8', title: 'Enigma machine', text: 'A cipher device used by Germany during the Second World War.', aliases: ['Enigma'], type: 'machine' },
  { id: 'Q9', title: 'Grace Hopper', text: 'American computer scientist and navy rear admiral who wrote one of the first compilers.', aliases: ['Hopper'], type: 'person' },
  { id: 'Q10', title: 'Harvard University', text: 'A private research university in Cambridge, Massachusetts.', aliases: ['Harvard'], type: 'university' },
  { id: 'Q11', title: 'Cambridge', text: 'A university city in the east of England, on the River Cam.', aliases: [], type: 'city' },
  { id: 'Q12', title: 'Cambridge, Massachusetts', text: 'A city in Massachusetts, home of Harvard University and MIT.', aliases: ['Cambridge'], type: 'city' },
  { id: 'Q13', title: 'Manchester', text: 'A city in North West England where the first stored-program computer ran.', aliases: [], type: 'city' },
  { id: 'Q14', title: 'Apple Inc.', text: 'American technology company that makes the iPhone and the Macintosh.', aliases: ['Apple'], type: 'company' },
  { id: 'Q15', title: 'apple', text: 'The edible fruit of the apple tree.', aliases: ['Apple'], type: 'fruit' },
  { id: 'Q16', title: 'Steve Jobs', text: 'American businessman, co-founder of Apple Inc.', aliases: ['Jobs'], type: 'person' },
];

/** Over twenty mentions on purpose: the session decides the first twenty, the rest stay predicted for the screenshots. */
const TEXT = [
  'Ada Lovelace worked with Charles Babbage on the Analytical Engine in London. Lovelace wrote notes that Babbage admired, and the long paragraph goes on so that a narrow editor has to wrap it to stay readable.',
  'Alan Turing worked at Bletchley Park, where the Enigma cipher was broken. Turing later moved to Manchester.',
  'Grace Hopper studied at Harvard in Cambridge. Hopper also visited London and Cambridge more than once.',
  'Steve Jobs co-founded Apple in California. Jobs admired Turing, Babbage and Lovelace.',
].join('\n\n') + '\n';

/** No mention in names mode; its one lower-case word the KB names ("apple", the fruit) is what Possible Name reaches. */
const EMPTY_TEXT = 'nothing here is a name, only lowercase words and an apple.\n';

/** Run in the webview (the tests compile without the DOM library, so page code is a string). */
const FOCUS_ON_ROW = "document.activeElement?.classList.contains('neg') === true";

const SETTINGS = { 'entityLinker.kb.sources': ['jsonl:kb.jsonl'], 'entityLinker.model.provider': 'cpu' };
const THEMES = [['dark', 'Dark Modern'], ['light', 'Light Modern'], ['hc', 'Dark High Contrast']] as const;
/** Viewport widths that leave an editor group of about 400 and 1,200 px with the side bar closed. */
const WIDTHS = [[400, 450], [1200, 1250]] as const;

function records(workspace: string, name: string): AnnotationRecord[] {
  const file = path.join(workspace, '.entity-links', `${name}.jsonl`);
  return fs.existsSync(file) ? [...parseAnnotationFile(fs.readFileSync(file, 'utf8'), file).records] : [];
}

/** The resolved / total count the status bar shows, read from its accessible name. */
async function resolved(page: Page): Promise<{ resolved: number; total: number }> {
  const item = page.locator('[aria-label^="Entity Linker: "][aria-label$=" mentions resolved"]').first();
  await item.waitFor({ state: 'attached', timeout: 120_000 });
  const m = /(\d+) of (\d+) mentions resolved/.exec((await item.getAttribute('aria-label')) ?? '');
  assert.ok(m, 'the status bar shows resolved / total');
  return { resolved: Number(m[1]), total: Number(m[2]) };
}

/**
 * Waits until the status bar counts `count` resolved mentions. The total may grow meanwhile: a decision teaches
 * detection within the document (the surname of an accepted full name is proposed where it recurs).
 */
async function waitResolved(page: Page, count: number): Promise<void> {
  const item = page.locator(`[aria-label^="Entity Linker: ${count} of "][aria-label$=" mentions resolved"]`).first();
  await item.waitFor({ state: 'attached', timeout: 20_000 }).catch(async (e: unknown) => {
    const now = await resolved(page).catch(() => undefined);
    throw new Error(`waiting for ${count} resolved mentions, the status bar says ${now === undefined ? 'nothing' : `${now.resolved} of ${now.total}`}: ${String(e)}`);
  });
}

/** The last lines of the Entity Linker log of this workbench's run (for a failure message). */
function extensionLogTail(artifactsDir: string, lines = 8): string {
  const logs = path.join(artifactsDir, 'user-data', 'logs');
  const runs = fs.existsSync(logs) ? fs.readdirSync(logs).sort() : [];
  for (const run of runs.reverse()) {
    for (const host of fs.readdirSync(path.join(logs, run))) {
      const file = path.join(logs, run, host, 'entity-linker.entity-linker', 'Entity Linker.log');
      if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join(' | ');
    }
  }
  return '(no log found)';
}

async function openFile(wb: Workbench, name: string): Promise<void> {
  await wb.page.keyboard.press('Escape');
  await wb.page.keyboard.press('Control+P');
  const box = wb.page.locator('.quick-input-widget input.input');
  await box.waitFor({ state: 'visible' });
  await box.fill(name);
  await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor({ state: 'visible', timeout: 15_000 });
  await box.press('Enter');
  await wb.page.locator('.tab', { hasText: name }).first().waitFor({ state: 'visible' });
}

async function shot(wb: Workbench, name: string, shots: string[]): Promise<void> {
  await wb.page.mouse.move(2, 2);
  await wb.page.waitForTimeout(400);
  shots.push(await wb.screenshot(name));
}

/** An ARIA snapshot of a panel, saved beside the screenshots; fails on any button or row without a name. */
async function accessibilityPass(wb: Workbench, frame: Frame, name: string): Promise<string> {
  const snapshot = await frame.locator('body').ariaSnapshot();
  fs.writeFileSync(path.join(wb.artifactsDir, `${name}.aria.yml`), snapshot);
  const unnamed = snapshot.split('\n').filter((line) => /^\s*- (button|row|checkbox|tab)\s*(:|$)/.test(line));
  assert.deepEqual(unnamed, [], `${name}: every control has a name`);
  // Keyboard reachability: every button is a native (or toolkit) control that Tab reaches, none taken out of the order.
  const untabbable = await frame.locator('button[tabindex="-1"], [role="button"][tabindex="-1"]').count();
  assert.equal(untabbable, 0, `${name}: no button is taken out of the tab order`);
  return snapshot;
}

void test('annotator session: twenty mentions by keyboard at one key per accepted mention; editor, picker and panels in three themes at 400 and 1,200 px; accessibility of both panels', { skip, timeout: 900_000 }, async () => {
  assert.equal(missing, undefined, missing);
  const wb = await openWorkbench({
    name: 'annotatorSession',
    settings: { ...SETTINGS, 'workbench.colorTheme': 'Default Dark Modern', 'workbench.secondarySideBar.defaultVisibility': 'hidden' },
    files: { 'kb.jsonl': KB.map((e) => JSON.stringify(e)).join('\n') + '\n', 'story.txt': TEXT, 'empty.txt': EMPTY_TEXT, '.vscode/settings.json': JSON.stringify(SETTINGS, null, 2) },
  });
  const { page } = wb;
  const shots: string[] = [];
  const figures: string[] = [];
  // Each part runs even when an earlier one failed (its failure is recorded with a screenshot), so one run
  // gives every screenshot; the test fails at the end if any part did.
  const problems: string[] = [];
  const part = async (name: string, body: () => Promise<void>): Promise<void> => {
    try {
      await body();
    } catch (e) {
      problems.push(`${name}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      shots.push(await wb.screenshot(`failure-${name.replace(/\W+/g, '-')}`));
      await page.keyboard.press('Escape');
    }
  };
  let total = 0;
  try {
    await page.setViewportSize({ width: 1250, height: 860 });
    await openFile(wb, 'story.txt');
    await page.locator('.statusbar-item', { hasText: /kb\.jsonl \(16\)/ }).first().waitFor({ state: 'visible', timeout: 180_000 });
    // The KB is loaded; the document's first linking run may still be under way.
    for (const deadline = Date.now() + 60_000; total < 22 && Date.now() < deadline; await page.waitForTimeout(250)) total = (await resolved(page)).total;
    assert.ok(total >= 22, `the story has over twenty mentions (found ${total})`);
    await waitResolved(page, 0);

    await part('mentions view', async () => {
      // Rows with line numbers and a snippet.
      await wb.runCommand('Explorer: Focus on Entity Mentions View');
      await page.locator('.monaco-list-row', { hasText: 'Predicted' }).first().click();
      await page.locator('.monaco-list-row', { hasText: /^\s*1: Ada Lovelace/ }).first().waitFor({ state: 'visible', timeout: 15_000 });
      await shot(wb, 'mentions-view-1200-dark', shots);
    });

    await part('session', async () => {
      // Keyboard only: the first mention sits at the start of the document, so Ctrl+Home puts the cursor on it;
      // each decision moves on by itself.
      await page.locator('.view-lines').first().click();
      await page.keyboard.press('Control+Home');
      const keys = { accept: 0, acceptedMentions: 0, choose: 0, nil: 0, reject: 0 };
      const decide = async (key: string, done: number): Promise<void> => {
        await page.keyboard.press(key);
        await waitResolved(page, done);
      };
      for (let i = 1; i <= 20; i++) {
        if (i === 6) {
          await decide('Control+Alt+N', i);
          keys.nil++;
        } else if (i === 7) {
          await decide('Control+Alt+Backspace', i);
          keys.reject++;
        } else if (i === 8) {
          // Choose: the picker shows every ranked candidate with its type and description, and the sentence.
          await page.keyboard.press('Control+Alt+Space');
          const picker = page.locator('.quick-input-widget');
          await picker.locator('.quick-input-title', { hasText: /^Link ".+": .*«.+».*/ }).waitFor({ state: 'visible', timeout: 15_000 });
          const second = picker.locator('.monaco-list-row').nth(1);
          await second.waitFor({ state: 'visible' });
          // A ranked candidate shows its type and confidence (the type may come a moment later from a busy link thread).
          await second.filter({ hasText: /(person|place|city|machine|university|company|fruit) · \d+ %/ }).waitFor({ state: 'visible', timeout: 15_000 });
          // It opens on the second candidate (Accept takes the first): Enter takes it.
          await picker.locator('.monaco-list-row.focused', { hasText: /^\s*2\. / }).waitFor({ state: 'visible', timeout: 5_000 });
          await shot(wb, 'picker-session-1200-dark', shots);
          await decide('Enter', i);
          keys.choose += 2;
        } else {
          await decide('Control+Alt+Enter', i);
          keys.accept++;
          keys.acceptedMentions++;
        }
        if (i === 5) await shot(wb, 'editor-session-1200-dark', shots);
      }
      const stored = records(wb.workspace, 'story.txt');
      assert.equal(stored.length, 20);
      assert.equal(stored.filter((r) => r.status === 'accepted').length, 18);
      assert.equal(stored.filter((r) => r.status === 'nil').length, 1);
      assert.equal(stored.filter((r) => r.status === 'rejected').length, 1);
      // Auto-advance went in document order: the decisions were made in the order of the spans.
      const byTime = [...stored].sort((a, b) => a.time.localeCompare(b.time)).map((r) => r.start);
      assert.deepEqual(byTime, stored.map((r) => r.start).sort((a, b) => a - b));
      assert.equal(keys.accept / keys.acceptedMentions, 1, 'one key per accepted mention');
      figures.push(`session: 20 mentions decided with ${keys.accept + keys.nil + keys.reject + keys.choose} keys (+ Ctrl+Home once): ${keys.acceptedMentions} accepted with ${keys.accept} keys (${(keys.accept / keys.acceptedMentions).toFixed(2)} per accepted mention), 1 NIL (1 key), 1 rejected (1 key), 1 chosen in the picker (2 keys: Choose Candidate, Enter on the second candidate)`);
    });

    await part('undo and redo', async () => {
      // They say what they changed and reveal it.
      await page.keyboard.press('Control+Alt+Z');
      await page.locator('.statusbar-item', { hasText: /undid ".+": accepted .+ → undecided/ }).first().waitFor({ state: 'visible', timeout: 10_000 });
      await shot(wb, 'editor-undo-1200-dark', shots);
      await waitResolved(page, 19);
      await page.keyboard.press('Control+Alt+Shift+Z');
      await page.locator('.statusbar-item', { hasText: /redid ".+": undecided → accepted/ }).first().waitFor({ state: 'visible', timeout: 10_000 });
      await waitResolved(page, 20);
    });

    await part('batch accept', async () => {
      // It says how many and at what threshold before it acts (cancelled here).
      await wb.runCommand('Entity Linker: Accept All Mentions Above the Confidence Threshold');
      const dialog = page.locator('.monaco-dialog-box', { hasText: /Accept \d+ of \d+ predicted mentions? whose top candidate has confidence ≥ 90 %/ });
      const none = page.locator('.notification-list-item-message, .monaco-aria-container .monaco-alert').filter({ hasText: /no prediction reaches the threshold 90 %/ });
      await dialog.or(none).first().waitFor({ state: 'attached', timeout: 15_000 });
      await shot(wb, 'batch-accept-1200-dark', shots);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(500);
      assert.equal((await resolved(page)).resolved, 20, 'cancelled: nothing accepted');
    });

    await part('forget what was learned', async () => {
      // Twenty decisions adapted the linker (refit every 10): the status bar says so, and the command asks before it
      // drops the learned state. Escape keeps it; Enter on the dialog's Forget drops it, the annotations stay.
      const adapted = page.locator('.statusbar-item', { hasText: /Adapted · \d+/ }).first();
      await adapted.waitFor({ state: 'visible', timeout: 30_000 });
      const dialog = page.locator('.quick-input-widget', { hasText: /Forget what the linker learned from \d+ decisions? in this workspace\?/ });
      await wb.runCommand('Entity Linker: Forget What the Linker Learned in This Workspace');
      await dialog.waitFor({ state: 'visible', timeout: 15_000 });
      await shot(wb, 'forget-learning-1200-dark', shots);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden', timeout: 5_000 });
      assert.equal(await adapted.isVisible(), true, 'cancelled: still adapted');
      await wb.runCommand('Entity Linker: Forget What the Linker Learned in This Workspace');
      await dialog.waitFor({ state: 'visible', timeout: 15_000 });
      // The first row (Enter's default) keeps; the second forgets.
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      const said = await page.locator('.statusbar-item', { hasText: /forgot what was learned from \d+ decisions?/ }).first().textContent({ timeout: 15_000 });
      await adapted.waitFor({ state: 'hidden', timeout: 15_000 });
      assert.equal(fs.existsSync(path.join(wb.workspace, '.entity-links', '.online-learning.json')), false, 'the saved state is deleted');
      await waitResolved(page, 20);
      figures.push(`forget: the dialog named the decisions; Escape kept the state; Enter: "${said?.trim()}", the status bar's Adapted item gone, 20 decisions still stored`);
    });

    await part('empty document', async () => {
      // A document without mentions says so once, naming the KB.
      await openFile(wb, 'empty.txt');
      assert.match(await wb.waitForNotification(/no mentions found in empty\.txt against the KB/, 60_000), /16 entities/);
      await shot(wb, 'empty-document-1200-dark', shots);
    });

    await part('possible name', async () => {
      // From the start of the document, one press of Next Possible Name (its real chord) selects the one word the KB
      // names, past the content words Possible Mention would stop at.
      await page.locator('.view-lines').first().click();
      await page.keyboard.press('Control+Home');
      await page.keyboard.press('Control+Alt+Shift+Quote');
      const end = EMPTY_TEXT.indexOf('apple') + 'apple'.length + 1;
      await page.locator('.statusbar-item', { hasText: `Ln 1, Col ${end} (5 selected)` }).first().waitFor({ state: 'visible', timeout: 15_000 });
      await shot(wb, 'possible-name-1200-dark', shots);
      await page.keyboard.press('Control+Home');
      // The status bar shows the caret at the start before the next press (else the last selection would be read).
      await page.locator('.statusbar-item', { hasText: /^\s*Ln 1, Col 1\s*$/ }).first().waitFor({ state: 'visible', timeout: 15_000 });
      await page.keyboard.press('Control+Alt+Quote');
      const first = await page.locator('.statusbar-item', { hasText: /Ln 1, Col \d+ \(\d+ selected\)/ }).first().textContent({ timeout: 15_000 });
      assert.doesNotMatch(first ?? '', new RegExp(`Col ${end} `), 'Possible Mention stops before "apple"');
      figures.push(`possible name: Ctrl+Alt+Shift+' from the start selected "apple" (${EMPTY_TEXT.trim()}); Ctrl+Alt+' stopped earlier: ${first?.trim()}`);
    });

    let mention: Frame | undefined;
    let corpus: Frame | undefined;
    await part('panel keys', async () => {
      await page.keyboard.press('Escape');
      await page.locator('.tab', { hasText: 'story.txt' }).first().click();
      // More room for the panel; a workbench that names the command otherwise only gives a narrower screenshot.
      await wb.runCommand('View: Close Primary Side Bar').catch(() => page.keyboard.press('Escape'));
      await page.locator('.view-lines').first().click();
      await page.keyboard.press('Control+Home');
      await wb.runCommand('Entity Linker: Show Hard Negatives for Mention');
      mention = await webviewFrame(page, '[data-table="negatives"] tbody tr');
      await shot(wb, 'editor-and-mention-1250-dark', shots);
      // 1 relabels to the first negative; focus stays on the row in that place.
      const before = records(wb.workspace, 'story.txt').find((r) => r.start === 0)?.kbId;
      const firstNegative = (await mention.locator('tr.neg').first().getAttribute('data-id')) ?? '';
      await mention.locator('tr.neg').first().focus();
      await page.keyboard.press('1');
      await until('the relabel by key 1', () => records(wb.workspace, 'story.txt').find((r) => r.start === 0)?.kbId === firstNegative);
      mention = await webviewFrame(page, '[data-table="negatives"] tbody tr');
      await mention.locator('[data-testid="label-title"]').waitFor({ state: 'visible' });
      await page.waitForTimeout(500);
      assert.equal(await mention.evaluate(FOCUS_ON_ROW), true, 'after the relabel, focus is on the negatives row again');
      // D on the focused row declares it a duplicate of the label (it leaves the negatives); focus stays on a row.
      const focusedId = String(await mention.evaluate("document.activeElement?.dataset?.id ?? ''"));
      await page.keyboard.press('d');
      await until('the duplicate by key D', () => (records(wb.workspace, 'story.txt').find((r) => r.start === 0)?.duplicateIds ?? []).includes(focusedId));
      await page.waitForTimeout(800);
      mention = await webviewFrame(page, '[data-table="negatives"] tbody tr');
      assert.equal(await mention.evaluate(FOCUS_ON_ROW), true, 'after D, focus is on a row again');
      figures.push(`panel keys: 1 relabelled "${before}" to ${firstNegative}; D declared ${focusedId} a duplicate; focus stayed on a row both times`);
      // Why here names the name and the tokens with a measured similarity.
      const why = (await mention.locator('tr.neg .why').first().textContent()) ?? '';
      assert.match(why, /3-gram similarity \d\.\d\d|found by/);
      figures.push(`why here (first negative): ${why}`);
      await page.keyboard.press('Enter');
      await shot(wb, 'mention-expanded-1250-dark', shots);
    });

    await part('accessibility', async () => {
      mention = await webviewFrame(page, '[data-table="negatives"] tbody tr');
      const mentionAria = await accessibilityPass(wb, mention, 'mention-panel');
      await wb.runCommand('Entity Linker: Corpus Analysis');
      corpus = await webviewFrame(page, '[data-testid="summary"]');
      await corpus.locator('.chart canvas').first().waitFor({ state: 'visible' });
      const corpusAria = await accessibilityPass(wb, corpus, 'corpus-panel');
      const count = (snapshot: string, role: string) => snapshot.split('\n').filter((l) => l.trimStart().startsWith(`- ${role} "`)).length;
      figures.push(`accessibility: mention panel ${count(mentionAria, 'button')} named buttons and ${count(mentionAria, 'row')} named rows; corpus panel ${count(corpusAria, 'button')} named buttons, ${count(corpusAria, 'tab')} named tabs`);
    });

    // One editor group holding the text and both panels, shown one at a time, at each width and theme.
    await part('single column', () => wb.runCommand('View: Single Column Editor Layout'));
    for (const [theme, themeName] of THEMES) {
      if (theme !== 'dark') await part(`theme ${theme}`, () => setTheme(wb, themeName));
      for (const [label, width] of WIDTHS) {
        await page.setViewportSize({ width, height: 860 });
        await page.waitForTimeout(600);
        await part(`editor ${label} ${theme}`, async () => {
          await page.locator('.tab', { hasText: 'story.txt' }).first().click();
          await page.locator('.view-lines').first().click();
          // The keys are bound with editorTextFocus: press them only once the editor has the focus.
          await page.locator('.monaco-editor.focused').first().waitFor({ state: 'attached', timeout: 10_000 });
          await page.keyboard.press('Control+End');
          await page.keyboard.press('Control+Alt+BracketRight');
          await shot(wb, `editor-${label}-${theme}`, shots);
          const title = page.locator('.quick-input-widget .quick-input-title', { hasText: /^Link "/ });
          await page.keyboard.press('Control+Alt+Space');
          const shown = await title.waitFor({ state: 'visible', timeout: 15_000 }).then(() => true, () => false);
          if (!shown) {
            // Once on CI the picker did not come up here (not reproduced): say what the workbench showed, then press again.
            const status = (await page.locator('.statusbar-item').allTextContents()).filter((t) => t.trim() !== '').join(' | ');
            const active = String(await page.evaluate('document.activeElement?.className ?? "none"'));
            figures.push(`editor ${label} ${theme}: no picker 15 s after Ctrl+Alt+Space; status bar: ${status}; focus: ${active}; pressed again`);
            await page.keyboard.press('Escape');
            await page.locator('.view-lines').first().click();
            await page.keyboard.press('Control+End');
            await page.keyboard.press('Control+Alt+BracketRight');
            await page.keyboard.press('Control+Alt+Space');
            await title.waitFor({ state: 'visible', timeout: 30_000 }).catch((e: unknown) => {
              throw new Error(`${String(e).split('\n')[0]}; the extension's log ends: ${extensionLogTail(wb.artifactsDir)}`);
            });
          }
          await page.locator('.quick-input-widget .monaco-list-row').nth(1).waitFor({ state: 'visible' });
          await shot(wb, `picker-${label}-${theme}`, shots);
          await page.keyboard.press('Escape');
        });
        await part(`mention panel ${label} ${theme}`, async () => {
          await page.locator('.tab', { hasText: 'Mention:' }).first().click({ timeout: 5_000 });
          const frame = await webviewFrame(page, '[data-table="negatives"] tbody tr');
          const width_ = Number(await frame.evaluate('document.documentElement.clientWidth'));
          if (theme === 'dark') figures.push(`mention panel at viewport ${width}: ${width_} px wide`);
          // Nothing of a negative's row may be cut off: its action buttons end inside the panel.
          const overflow = await frame.evaluate("[...document.querySelectorAll('tr.neg')].some((tr) => tr.getBoundingClientRect().right > document.documentElement.clientWidth + 1)");
          if (overflow !== false) problems.push(`${theme}: a negative row is wider than the ${label} px panel`);
          await shot(wb, `mention-${label}-${theme}`, shots);
        });
        await part(`corpus panel ${label} ${theme}`, async () => {
          await page.locator('.tab', { hasText: 'Corpus' }).first().click({ timeout: 5_000 });
          const frame = await webviewFrame(page, '[data-testid="summary"]');
          await frame.locator('.chart canvas').first().waitFor({ state: 'visible' });
          const clipped = await frame.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth + 1');
          if (clipped !== false) problems.push(`${theme}: the corpus view overflows sideways at ${label} px`);
          await shot(wb, `corpus-${label}-${theme}`, shots);
        });
      }
    }
    console.log(`${figures.join('\n')}\nscreenshots:\n${shots.join('\n')}`);
    assert.deepEqual(problems, []);
  } catch (e) {
    console.log(`${figures.join('\n')}\nproblems:\n${problems.join('\n')}\nscreenshot at failure: ${await wb.screenshot('failure')}`);
    throw e;
  } finally {
    await wb.close();
  }
});
