import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HostTestApi } from '../../../src/host/hostTestApi';
import { activeEditor, linkSelectionPickingFirst, openEditorWorkspace, removeDocuments, selectedText, writeDocuments } from './editorFixtures';
import { until } from './waitUntil';

/** In path order, the queue's order: false suggestions only after the first, a name the tiny KB misses, a last one. */
const DOCS: readonly [string, string][] = [
  ['moves/1-rest-false.txt', 'Apple makes phones; New York and California are only names in a list here.\n'],
  ['moves/2-missed.txt', 'A young chemist spoke.\n'],
  ['moves/3-last.txt', 'Steve Jobs spoke.\n'],
  ['moves/4-right.txt', 'Steve Jobs visited New York.\n'],
];

suite('Entity Linker: Reject Remaining and Link Selection and Move On, by keyboard commands', () => {
  let api: HostTestApi;
  let root: string;

  const activeName = (): string => path.relative(root, activeEditor().document.uri.fsPath).split(path.sep).join('/');
  const statusIn = (name: string, text: string): string | undefined => api.mentions(vscode.Uri.file(path.join(root, name)).toString()).find((m) => m.text === text)?.status;

  suiteSetup(async function () {
    this.timeout(120_000);
    ({ api, root } = await openEditorWorkspace({ 'linking.debounceMs': 30 }, (r) => writeDocuments(r, DOCS)));
    // The annotation queue suite rejected New York: what it taught must not withdraw it here.
    await vscode.commands.executeCommand('entityLinker.forgetLearning', { ask: false });
  });

  suiteTeardown(() => removeDocuments(root, 'moves', DOCS));

  test('Reject Remaining rejects the mention at the cursor and every open one after it in one undoable step, then moves on', async function () {
    this.timeout(120_000);
    const document = await vscode.workspace.openTextDocument(path.join(root, DOCS[0][0]));
    const editor = await vscode.window.showTextDocument(document);
    const uri = document.uri.toString();
    await api.whenLinked(uri);
    const shown = api.mentions(uri).map((m) => m.text);
    assert.deepEqual(shown, ['Apple', 'New York', 'California'], 'three suggestions');
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await vscode.commands.executeCommand('entityLinker.nextMention');
    assert.equal(selectedText(), 'Apple');
    await vscode.commands.executeCommand('entityLinker.acceptTop');
    assert.equal(selectedText(), 'New York');
    const count = await vscode.commands.executeCommand<number>('entityLinker.rejectRemaining');
    assert.equal(count, 2);
    assert.deepEqual(['Apple', 'New York', 'California'].map((t) => statusIn(DOCS[0][0], t)), ['accepted', 'rejected', 'rejected']);
    assert.equal(activeName(), DOCS[1][0], 'nothing open is left: on to the next document of the queue');
    // One Undo Annotation Action brings both back; the accept stays.
    assert.equal(await vscode.commands.executeCommand('entityLinker.undoAnnotation', uri), true);
    await until('both rejected mentions to be open again', () => statusIn(DOCS[0][0], 'New York') === 'predicted' && statusIn(DOCS[0][0], 'California') === 'predicted');
    assert.equal(statusIn(DOCS[0][0], 'Apple'), 'accepted');
  });

  test('Link Selection and Move On links the last missed mention of a document (the word at the caret) and opens the next one', async function () {
    this.timeout(120_000);
    assert.equal(activeName(), DOCS[1][0]);
    const document = activeEditor().document;
    await api.whenLinked(document.uri.toString());
    assert.deepEqual(api.mentions(document.uri.toString()), [], 'the linker suggests nothing here');
    // Nothing selected: the caret in the word is enough (the name at the caret).
    const inWord = document.positionAt(document.getText().indexOf('chemist') + 3);
    activeEditor().selection = new vscode.Selection(inWord, inWord);
    await linkSelectionPickingFirst('entityLinker.linkSelectionAndMoveOn');
    assert.equal(statusIn(DOCS[1][0], 'chemist'), 'accepted');
    assert.equal(activeName(), DOCS[2][0], 'no open mention was left: on to the next document, no Next Unresolved');
    assert.equal(selectedText(), 'Steve Jobs', 'its first open mention is selected');
  });

  test('Accept Remaining accepts the top candidates of the mention at the cursor and every open one after it in one undoable step', async function () {
    this.timeout(120_000);
    const document = await vscode.workspace.openTextDocument(path.join(root, DOCS[3][0]));
    const editor = await vscode.window.showTextDocument(document);
    const uri = document.uri.toString();
    await api.whenLinked(uri);
    const tops = api.mentions(uri).map((m) => [m.text, m.kbId]);
    assert.deepEqual(tops.map(([text]) => text), ['Steve Jobs', 'New York']);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await vscode.commands.executeCommand('entityLinker.nextMention');
    assert.equal(await vscode.commands.executeCommand<number>('entityLinker.acceptRemaining'), 2);
    assert.deepEqual(['Steve Jobs', 'New York'].map((t) => [statusIn(DOCS[3][0], t), api.mentions(uri).find((m) => m.text === t)?.kbId]), tops.map(([, kbId]) => ['accepted', kbId]));
    assert.equal(await vscode.commands.executeCommand('entityLinker.undoAnnotation', uri), true);
    await until('both to be open again', () => statusIn(DOCS[3][0], 'Steve Jobs') === 'predicted' && statusIn(DOCS[3][0], 'New York') === 'predicted');
  });
});
