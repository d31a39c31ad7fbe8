import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HostTestApi } from '../../../src/host/hostTestApi';
import { activeEditor, linkSelectionPickingFirst, openEditorWorkspace, removeDocuments, selectedText, writeDocuments } from './editorFixtures';
import { until } from './waitUntil';

/** The queue's documents, in path order; the third has nothing the tiny KB knows. */
const DOCS: readonly [string, string][] = [
  ['queue/1-first.txt', 'Steve Jobs co-founded Apple.\n'],
  ['queue/2-second.txt', 'Later Steve Jobs visited New York with a young engineer.\n'],
  ['queue/3-empty.txt', 'Nothing to link in this short note.\n'],
  ['queue/4-last.txt', 'California is sunny.\n'],
];

suite('Entity Linker: the annotation queue and Possible Mention, by keyboard commands', () => {
  let api: HostTestApi;
  let root: string;

  const active = activeEditor;
  const activeName = (): string => path.relative(root, active().document.uri.fsPath).split(path.sep).join('/');
  const selected = selectedText;
  const statusOf = (text: string): string | undefined => api.mentions(active().document.uri.toString()).find((m) => m.text === text)?.status;

  suiteSetup(async function () {
    this.timeout(120_000);
    ({ api, root } = await openEditorWorkspace({ 'linking.debounceMs': 30 }, (r) => writeDocuments(r, DOCS)));
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('entityLinker').update('annotation.advanceAcrossDocuments', undefined, vscode.ConfigurationTarget.Workspace);
    await removeDocuments(root, 'queue', DOCS);
  });

  test('the decision on the last open mention opens the next document of the queue with its first mention selected', async function () {
    this.timeout(120_000);
    const document = await vscode.workspace.openTextDocument(path.join(root, DOCS[0][0]));
    const editor = await vscode.window.showTextDocument(document);
    await api.whenLinked(document.uri.toString());
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await vscode.commands.executeCommand('entityLinker.nextMention');
    assert.equal(selected(), 'Steve Jobs');
    await vscode.commands.executeCommand('entityLinker.acceptTop');
    assert.equal(selected(), 'Apple', 'auto-advance inside the document');
    await vscode.commands.executeCommand('entityLinker.acceptTop');
    assert.equal(activeName(), DOCS[1][0], `the last decision moved on to the next document (selected: ${JSON.stringify(selected())}; mentions: ${JSON.stringify(api.mentions(active().document.uri.toString()).map((m) => [m.text, m.status]))})`);
    assert.equal(selected(), 'Steve Jobs', 'its first open mention is selected');
    assert.equal(statusOf('Steve Jobs'), 'predicted', 'nothing is decided in the new document');
    // The revealed mention is selected with the cursor at its end: Ctrl+Shift+Right widens it for Link Selection.
    await vscode.commands.executeCommand('cursorWordEndRightSelect');
    assert.equal(selected(), 'Steve Jobs visited');
    await vscode.commands.executeCommand('cursorWordStartLeftSelect');
    assert.equal(selected(), 'Steve Jobs ');
  });

  test('Next / Previous Possible Mention select the words no mention covers; Link Selection on one moves on to the next open mention', async function () {
    this.timeout(120_000);
    assert.equal(activeName(), DOCS[1][0]);
    await vscode.commands.executeCommand('entityLinker.nextPossibleMention');
    assert.equal(selected(), 'visited');
    await vscode.commands.executeCommand('entityLinker.nextPossibleMention');
    assert.equal(selected(), 'young', 'the mention New York and the function words are skipped');
    await vscode.commands.executeCommand('entityLinker.previousPossibleMention');
    assert.equal(selected(), 'visited');
    await vscode.commands.executeCommand('entityLinker.nextPossibleMention');
    await vscode.commands.executeCommand('entityLinker.nextPossibleMention');
    assert.equal(selected(), 'engineer');
    // Link Selection opens the candidate picker; Enter takes its first row.
    await linkSelectionPickingFirst('entityLinker.linkSelection');
    await until('the linked span to be stored as accepted', () => statusOf('engineer') === 'accepted');
    assert.equal(selected(), 'Steve Jobs', 'Link Selection moved on to the next open mention (wrapping round)');
  });

  test('a document without suggestions comes up once; Next Unresolved leaves it for the next one', async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('entityLinker.acceptTop');
    assert.equal(selected(), 'New York');
    await vscode.commands.executeCommand('entityLinker.reject');
    assert.equal(activeName(), DOCS[2][0], 'the empty document is visited');
    assert.ok(active().selection.isEmpty, 'nothing to select there');
    await vscode.commands.executeCommand('entityLinker.nextMention');
    assert.equal(activeName(), DOCS[3][0]);
    assert.equal(selected(), 'California');
  });

  test('with advanceAcrossDocuments off the cursor stays in the document', async function () {
    this.timeout(60_000);
    await vscode.workspace.getConfiguration('entityLinker').update('annotation.advanceAcrossDocuments', false, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('entityLinker.acceptTop');
    assert.equal(activeName(), DOCS[3][0]);
    assert.equal(statusOf('California'), 'accepted');
  });
});
