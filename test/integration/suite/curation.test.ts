import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type AnnotationRecord, contextAround, headerFor, parseAnnotationFile, serializeAnnotationFile } from '../../../src/core/annotations/annotationRecord';
import type { HostTestApi } from '../../../src/host/hostTestApi';
import { openEditorWorkspace } from './editorFixtures';
import { until } from './waitUntil';

const DOC = 'curation/team.txt';
const TEXT = 'Steve Jobs flew to New York, then to California.\n';

/** One annotator's own label file (`.entity-links/@name/<doc>.jsonl`), as their editor writes it. */
function writeLabels(root: string, annotator: string, labels: readonly [surface: string, kbId: string][]): void {
  const records = labels.map(([surface, kbId], i): AnnotationRecord => {
    const start = TEXT.indexOf(surface);
    const end = start + surface.length;
    return { id: `${annotator}-${i}`, start, end, text: surface, kbId, status: 'accepted', candidates: [], annotator, time: new Date(0).toISOString(), modelVersion: '', context: contextAround(TEXT, start, end) };
  });
  const file = path.join(root, '.entity-links', `@${annotator}`, `${DOC}.jsonl`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, serializeAnnotationFile(headerFor(DOC, TEXT), records));
}

suite('Entity Linker: curating the team\'s disagreements by keyboard', () => {
  let api: HostTestApi;
  let root: string;

  suiteSetup(async function () {
    this.timeout(120_000);
    // Revealing the span opens the document, which links it: against the tiny KB, not the built-in WordNet.
    ({ api, root } = await openEditorWorkspace({}, (dir) => {
      fs.mkdirSync(path.join(dir, 'curation'), { recursive: true });
      fs.writeFileSync(path.join(dir, DOC), TEXT);
      // alice and bob agree on Steve Jobs and disagree on New York; California only bob marked.
      writeLabels(dir, 'alice', [['Steve Jobs', 'Q19837'], ['New York', 'Q60']]);
      writeLabels(dir, 'bob', [['Steve Jobs', 'Q19837'], ['New York', 'Q99'], ['California', 'Q99']]);
    }));
  });

  suiteTeardown(() => {
    // Later suites export the whole store: leave it as they expect it.
    for (const name of ['@alice', '@bob', '@curated']) fs.rmSync(path.join(root, '.entity-links', name), { recursive: true, force: true });
    fs.rmSync(path.join(root, 'curation'), { recursive: true, force: true });
  });

  test('Curate Disagreements: pick the first disagreement, move to the second annotator\'s label, Enter writes @curated', async function () {
    this.timeout(60_000);
    const run = vscode.commands.executeCommand<number>('entityLinker.curateDisagreements');
    await until('the list of disagreements', () => api.curationStep() === 'list');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await until('the curator\'s options', () => api.curationStep() === 'choice');
    // The span is shown in its document while the options are open.
    const editor = await until('the document shown', () => (vscode.window.activeTextEditor?.document.uri.fsPath === path.join(root, DOC) ? vscode.window.activeTextEditor : undefined));
    assert.equal(editor.document.getText(editor.selection), 'New York');
    // Options: alice's label (Q60), bob's (Q99), NIL, not a mention. Down once, Enter.
    await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const file = path.join(root, '.entity-links', '@curated', `${DOC}.jsonl`);
    await until('the curated label file', () => fs.existsSync(file));
    const parsed = parseAnnotationFile(fs.readFileSync(file, 'utf8'), file);
    assert.equal(parsed.header.document, DOC);
    assert.deepEqual(parsed.records.map((r) => [r.text, r.kbId, r.status, r.annotator]), [['New York', 'Q99', 'accepted', 'curated']]);
    // The list comes back with the remaining disagreement (California); Escape ends the flow.
    await until('the list again', () => api.curationStep() === 'list');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await run, 1);
    assert.ok(!fs.readdirSync(path.dirname(file)).some((n) => n.includes('.tmp')), 'no temp file left beside it');
  });
});
