import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HostTestApi } from '../../../src/host/hostTestApi';
import { openEditorWorkspace } from './editorFixtures';
import { until } from './waitUntil';

const DOC = 'link-at-once/note.txt';
/** "apple" in lower case is no name detection proposes, but Link Selection on it finds a KB entity named so. */
const TEXT = 'Steve Jobs ate a young apple in California.\n';

suite('Entity Linker: Link Selection accepts a confident top candidate without the picker', () => {
  let api: HostTestApi;
  let root: string;
  let editor: vscode.TextEditor;

  const selected = (): string => editor.document.getText(editor.selection);
  const statusOf = (text: string): string | undefined => api.mentions(editor.document.uri.toString()).find((m) => m.text === text)?.status;
  const select = (word: string): void => {
    const start = TEXT.indexOf(word);
    editor.selection = new vscode.Selection(editor.document.positionAt(start), editor.document.positionAt(start + word.length));
  };
  const setThreshold = (value: number | undefined): Thenable<void> => vscode.workspace.getConfiguration('entityLinker').update('annotation.linkSelectionAcceptAbove', value, vscode.ConfigurationTarget.Workspace);

  suiteSetup(async function () {
    this.timeout(120_000);
    ({ api, root } = await openEditorWorkspace({ 'linking.debounceMs': 30 }, (r) => {
      fs.mkdirSync(path.join(r, path.dirname(DOC)), { recursive: true });
      fs.writeFileSync(path.join(r, DOC), TEXT);
    }));
    const document = await vscode.workspace.openTextDocument(path.join(root, DOC));
    editor = await vscode.window.showTextDocument(document);
    await api.whenLinked(document.uri.toString());
  });

  suiteTeardown(async () => {
    await setThreshold(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(path.join(root, path.dirname(DOC)), { recursive: true, force: true });
    fs.rmSync(path.join(root, '.entity-links', `${DOC}.jsonl`), { force: true });
  });

  test('at the threshold the top candidate is accepted at once and the cursor moves on; Undo brings the span back, selected, to choose another', async function () {
    this.timeout(60_000);
    await setThreshold(0);
    select('apple');
    // No picker may open: the command finishes by itself (a picker would wait for a key until the timeout).
    const finished = await Promise.race([
      Promise.resolve(vscode.commands.executeCommand('entityLinker.linkSelection')).then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 20_000)),
    ]);
    if (!finished) await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.ok(finished, 'Link Selection finished without a key in a picker');
    await until('the linked span to be stored as accepted', () => statusOf('apple') === 'accepted');
    const kbId = api.mentions(editor.document.uri.toString()).find((m) => m.text === 'apple')?.kbId;
    assert.ok(kbId === 'Q89' || kbId === 'Q312', `accepted the top candidate, not ${String(kbId)}`);
    assert.equal(selected(), 'California', 'auto-advance moved on to the next open mention');
    await vscode.commands.executeCommand('entityLinker.undoAnnotation');
    await until('the undo to open the span again', () => statusOf('apple') !== 'accepted' && statusOf('apple') !== undefined);
    assert.equal(selected(), 'apple', 'the undo revealed the span: Choose Candidate acts on it');
  });

  test('below the threshold (1: always) Link Selection opens the picker and waits for its key', async function () {
    this.timeout(60_000);
    await setThreshold(1);
    select('young');
    let done = false;
    const linking = Promise.resolve(vscode.commands.executeCommand('entityLinker.linkSelection')).finally(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.equal(done, false, 'the picker is open, waiting');
    for (const deadline = Date.now() + 30_000; !done && Date.now() < deadline; ) {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    assert.ok(done, 'the picker took Enter');
    await linking;
    await until('the picked span to be stored as accepted', () => statusOf('young') === 'accepted');
  });

  test('Choose Candidate opens the picker on the second candidate: Enter takes it (the first is what Accept takes)', async function () {
    this.timeout(60_000);
    const uri = editor.document.uri.toString();
    const before = api.mentions(uri).find((m) => m.text === 'Steve Jobs');
    assert.ok(before?.kbId !== undefined && before.status === 'predicted', 'Steve Jobs is an open prediction with a top candidate');
    select('Steve Jobs');
    let done = false;
    const choosing = Promise.resolve(vscode.commands.executeCommand('entityLinker.chooseCandidate')).finally(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const deadline = Date.now() + 30_000; !done && Date.now() < deadline; ) {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    assert.ok(done, 'the picker took Enter');
    await choosing;
    const after = await until('the choice to be stored', () => api.mentions(uri).find((m) => m.text === 'Steve Jobs' && m.status === 'accepted'));
    assert.ok(after.kbId !== undefined && after.kbId !== before.kbId, `Enter took the second candidate, not the top ${before.kbId}`);
  });
});
