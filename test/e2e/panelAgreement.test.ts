import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Frame } from 'playwright-core';
import { headerFor, serializeAnnotationFile } from '../../src/core/annotations/annotationRecord';
import { REPO_ROOT } from '../integration/harness/codeServer';
import { recordsOf, TEXT, type Label } from '../unit/agreement/teamKit';
import { shot, writeFixtureExtension } from './harness/panelFixture';
import { webviewFrame } from './harness/webviews';
import { e2ePrerequisitesMissing, openWorkbench } from './harness/workbench';

const missing = e2ePrerequisitesMissing();
const skip = missing !== undefined && process.env.CI !== 'true' ? missing : false;

/** Alice and Bob agree on Paris and Rome, link London differently, and each marked one span the other did not. */
const ALICE: readonly Label[] = [['Paris', 'Q90'], ['London', 'Q84'], ['Rome', 'Q220'], ['Berlin', 'NIL']];
const BOB: readonly Label[] = [['Paris', 'Q90'], ['London', 'Q92561'], ['Rome', 'Q220'], ['Oslo', 'Q585']];

function labelFile(annotator: string, labels: readonly Label[]): string {
  return serializeAnnotationFile(headerFor('cities.txt', TEXT), recordsOf(annotator, labels));
}

interface CliFigures {
  readonly annotators: readonly string[];
  readonly spans: { readonly units: number; readonly f1: number | null; readonly kappa: number | null; readonly alpha: number | null };
  readonly entities: { readonly sharedSpans: number; readonly agreed: number; readonly kappa: number | null; readonly alpha: number | null };
}

interface CliReport {
  readonly documents: readonly { readonly document: string; readonly figures: CliFigures; readonly uncurated: number }[];
  readonly overall: CliFigures;
  readonly uncurated: number;
}

/** A row of the Agreement table as the CLI's figures would show it (the table's column order, 3 decimals). */
function expectedCells(name: string, f: CliFigures, open: number): string[] {
  const n = (x: number | null) => (x === null || !Number.isFinite(x) ? '–' : x.toFixed(3));
  return [name, String(open), n(f.spans.f1), n(f.entities.kappa), n(f.spans.kappa), n(f.spans.alpha), n(f.entities.alpha), String(f.entities.sharedSpans), String(f.entities.agreed), String(f.annotators.length)];
}

async function tableCells(frame: Frame): Promise<string[][]> {
  const rows = frame.locator('[data-table="agreement"] tbody tr');
  const out: string[][] = [];
  for (let i = 0; i < (await rows.count()); i++) out.push((await rows.nth(i).locator('td').allTextContents()).map((s) => s.trim()));
  return out;
}

/** The element that has the focus inside the webview (through shadow roots): its tag and text. */
async function focused(frame: Frame): Promise<string> {
  return frame.evaluate('(() => { let e = document.activeElement; while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement; return e ? `${e.tagName.toLowerCase()} ${(e.getAttribute("aria-label") ?? e.textContent ?? "").trim().slice(0, 60)}` : "none"; })()');
}

void test('corpus view Agreement tab: by keyboard, the figures the CLI computes, named rows and Curate button, readable at 1,200 and 400 px; Enter on Curate opens the curation Quick Picks', { skip, timeout: 300_000 }, async () => {
  assert.equal(missing, undefined, missing);
  const wb = await openWorkbench({
    name: 'panel-agreement',
    files: { 'cities.txt': TEXT, '.entity-links/@alice/cities.txt.jsonl': labelFile('alice', ALICE), '.entity-links/@bob/cities.txt.jsonl': labelFile('bob', BOB) },
    extensionDevelopmentPath: writeFixtureExtension(),
    settings: { 'workbench.colorTheme': 'Default Dark Modern', 'workbench.secondarySideBar.defaultVisibility': 'hidden' },
  });
  const shots: string[] = [];
  try {
    const page = wb.page;
    await page.locator('.statusbar-item', { hasText: 'panel fixture ready' }).waitFor({ state: 'visible', timeout: 180_000 });
    await wb.runCommand('View: Close Primary Side Bar').catch(() => undefined);
    await page.setViewportSize({ width: 1250, height: 900 });
    await wb.runCommand('Entity Linker: Corpus Analysis');
    const frame = await webviewFrame(page, '[data-testid="summary"]');

    // Keyboard only: from the first tab, the arrow keys reach the Agreement tab, which shows its table.
    await frame.locator('#tab-overview').focus();
    for (let i = 0; i < 8 && (await frame.locator('#tab-agreement').getAttribute('aria-selected')) !== 'true'; i++) await page.keyboard.press('ArrowRight');
    assert.equal(await frame.locator('#tab-agreement').getAttribute('aria-selected'), 'true', 'the arrow keys reach the Agreement tab');
    await frame.locator('[data-table="agreement"] tbody tr').first().waitFor({ state: 'visible' });

    // The figures are the CLI's for the same workspace (the fixture's notes.txt has one annotator: a row without pairs).
    const cli = JSON.parse(execFileSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), 'agreement', '--dir', wb.workspace, '--json'], { encoding: 'utf8' })) as CliReport;
    assert.ok(cli.documents.some((d) => d.document === 'cities.txt' && d.figures.annotators.length === 2), `the CLI sees both annotators of cities.txt: ${JSON.stringify(cli.documents.map((d) => [d.document, d.figures.annotators]))}`);
    const expected = [expectedCells('overall', cli.overall, cli.uncurated), ...cli.documents.map((d) => expectedCells(d.document, d.figures, d.uncurated))];
    assert.deepEqual(await tableCells(frame), expected);
    const cities = cli.documents.find((d) => d.document === 'cities.txt');
    assert.equal(cities?.uncurated, 3, 'three open disagreements: London linked differently, Berlin and Oslo marked by one annotator each');
    assert.match((await frame.locator('#tab-agreement').textContent()) ?? '', new RegExp(`Agreement \\(${cli.uncurated} open\\)`));

    // Accessible names: every row says its document and figures; the Curate button says what it does.
    for (const d of ['overall', ...cli.documents.map((x) => x.document)]) {
      const row = frame.getByRole('row', { name: new RegExp(`^${d.replace('.', '\\.')}\\b.*open`) });
      assert.equal(await row.count(), 1, `one row named after ${d}`);
    }
    const curate = frame.getByRole('button', { name: /Curate Disagreements/ });
    assert.equal(await curate.count(), 1, 'the Curate button has an accessible name');
    shots.push(await shot(wb, 'agreement-dark-1200'));

    // No keyboard trap: Tab leaves the Curate button forward into the table, Shift+Tab comes back.
    await curate.focus();
    const onCurate = await focused(frame);
    await page.keyboard.press('Tab');
    const after = await focused(frame);
    assert.notEqual(after, onCurate, 'Tab moves on from the Curate button');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await focused(frame), onCurate, 'Shift+Tab returns to the Curate button');

    // 400 px: the same rows, and the table scrolls inside its box rather than widening the page.
    await page.setViewportSize({ width: 450, height: 900 });
    await page.waitForTimeout(800);
    assert.deepEqual(await tableCells(frame), expected);
    // Only the table scrolls sideways: the page and the tab set keep the view's width, so the text wraps.
    const overflow = await frame.evaluate(`(() => {
      const wide = (e) => (e ? e.scrollWidth - e.clientWidth : 0);
      const wrap = document.querySelector('#view-agreement .table-wrap');
      return { page: wide(document.documentElement), tabs: wide(document.querySelector('vscode-panels')), text: document.querySelector('#view-agreement p').getBoundingClientRect().right - document.documentElement.clientWidth, table: wide(wrap) };
    })()`) as { page: number; tabs: number; text: number; table: number };
    assert.ok(overflow.page <= 1 && overflow.tabs <= 1 && overflow.text <= 1, `nothing but the table is wider than the view at 400 px: ${JSON.stringify(overflow)}`);
    assert.ok(overflow.table > 0, `the table scrolls inside its box at 400 px: ${JSON.stringify(overflow)}`);
    shots.push(await shot(wb, 'agreement-dark-400'));

    // Enter on the Curate button starts the keyboard-only flow: the open disagreements, then a label for the first.
    await curate.focus();
    await page.keyboard.press('Enter');
    const quick = page.locator('.quick-input-widget');
    await quick.locator('.quick-input-title', { hasText: `Curate Disagreements (${cli.uncurated} open of ${cli.uncurated})` }).waitFor({ state: 'visible', timeout: 20_000 });
    const listed = (await quick.locator('.monaco-list-row').allTextContents()).join(' | ');
    for (const city of ['London', 'Berlin', 'Oslo']) assert.match(listed, new RegExp(city), `the disagreement list names ${city}: ${listed}`);
    shots.push(await shot(wb, 'curation-list-dark-400'));
    await page.keyboard.press('Enter');
    await quick.locator('.quick-input-title', { hasText: /^Curate «/ }).waitFor({ state: 'visible' });
    shots.push(await shot(wb, 'curation-choice-dark-400'));
    await page.keyboard.press('Escape');
    await quick.locator('.quick-input-title', { hasText: 'Curate Disagreements' }).waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await quick.waitFor({ state: 'hidden' });
    assert.equal(fs.existsSync(path.join(wb.workspace, '.entity-links', '@curated')), false, 'Escape curates nothing');
    assert.equal(await frame.locator('[data-table="agreement"]').isVisible(), true, 'the text opened beside the corpus view, which stays in view');

    // Sorting by keyboard (Enter on a column header) reorders the documents; the overall row stays first.
    const firstColumn = async (): Promise<string[]> => (await tableCells(frame)).map((r) => r[0] ?? '');
    const documentsBy = (descending: boolean): string[] => cli.documents.map((d) => d.document).sort((x, y) => (descending ? y.localeCompare(x) : x.localeCompare(y)));
    // The header's name gains the sort arrow ("Document ▲"), so the button is found by its text.
    const header = (name: string) => frame.locator('[data-table="agreement"] thead button.sort', { hasText: name });
    for (const expectOrder of [documentsBy(false), documentsBy(true)]) {
      await header('Document').focus();
      await page.keyboard.press('Enter');
      assert.deepEqual(await firstColumn(), ['overall', ...expectOrder], 'sorted by Document: overall first, then the documents in order');
    }
    await header('Span F1').focus();
    await page.keyboard.press('Enter');
    assert.equal((await firstColumn())[0], 'overall', 'sorted by Span F1: overall first');
    // The view is narrower now (the text opened beside it): the tab strip scrolls, and shows the active tab.
    const tabInStrip = await frame.evaluate(`(() => {
      const strip = document.querySelector('vscode-panels').shadowRoot.querySelector('[part="tablist"]').getBoundingClientRect();
      const tab = document.querySelector('#tab-agreement').getBoundingClientRect();
      return tab.left >= strip.left - 1 && tab.right <= strip.right + 1;
    })()`);
    assert.equal(tabInStrip, true, 'the active Agreement tab is in view in the narrowed tab strip');
    shots.push(await shot(wb, 'agreement-sorted-beside-text-400'));
    console.log(`agreement rows ${JSON.stringify(expected)}; screenshots:\n${shots.join('\n')}`);
  } catch (e) {
    console.log(`screenshot at failure: ${await wb.screenshot('failure')}`);
    throw e;
  } finally {
    await wb.close();
  }
});
