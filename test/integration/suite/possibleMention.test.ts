import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HostTestApi } from '../../../src/host/hostTestApi';
import { activeEditor, openEditorWorkspace, selectedText } from './editorFixtures';

/** "California" is in the tiny KB, "University of California" is not: the linker suggests the part of the name. */
const NAME = 'possible/university.txt';
const TEXT = 'She studied at the University of California and then moved to New York.\nHer brother was Mayor of Southampton.\nWe picked a ripe green apple there.\n';

suite('Entity Linker: Possible Mention selects the name around a suggestion and the name after a particle', () => {
  let api: HostTestApi;
  let root: string;

  const selected = selectedText;

  suiteSetup(async function () {
    this.timeout(120_000);
    ({ api, root } = await openEditorWorkspace({ 'linking.debounceMs': 30 }, (r) => {
      fs.mkdirSync(path.join(r, 'possible'), { recursive: true });
      fs.writeFileSync(path.join(r, NAME), TEXT);
    }));
    // What earlier suites taught (a learned form would be a suggestion, so no possible mention).
    await vscode.commands.executeCommand('entityLinker.forgetLearning', { ask: false });
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(path.join(root, 'possible'), { recursive: true, force: true });
    fs.rmSync(path.join(root, '.entity-links', `${NAME}.jsonl`), { force: true });
  });

  test('Previous Possible Mention from a suggested part of a longer name selects the whole name; Next goes on past it', async function () {
    this.timeout(120_000);
    const document = await vscode.workspace.openTextDocument(path.join(root, NAME));
    const editor = await vscode.window.showTextDocument(document);
    await api.whenLinked(document.uri.toString());
    const shown = api.mentions(document.uri.toString()).map((m) => m.text);
    assert.ok(shown.includes('California'), `the part of the name is suggested (mentions: ${JSON.stringify(shown)})`);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await vscode.commands.executeCommand('entityLinker.nextMention');
    assert.equal(selected(), 'California');
    await vscode.commands.executeCommand('entityLinker.previousPossibleMention');
    assert.equal(selected(), 'University of California', 'one press back selects the name around the suggestion');
    await vscode.commands.executeCommand('entityLinker.previousPossibleMention');
    assert.equal(selected(), 'studied', 'the next press back goes on to the word before the name');
    await vscode.commands.executeCommand('entityLinker.nextPossibleMention');
    assert.equal(selected(), 'University of California');
    await vscode.commands.executeCommand('entityLinker.nextPossibleMention');
    assert.equal(selected(), 'moved', 'forward from the name steps past the suggestion inside it');
  });

  test('Next Possible Mention from a selected run with a particle selects the name after it; Previous goes back to the run', async function () {
    this.timeout(60_000);
    const editor = activeEditor();
    const start = TEXT.indexOf('Mayor');
    editor.selection = new vscode.Selection(editor.document.positionAt(start), editor.document.positionAt(start + 'Mayor of Southampton'.length));
    await vscode.commands.executeCommand('entityLinker.nextPossibleMention');
    assert.equal(selected(), 'Southampton');
    await vscode.commands.executeCommand('entityLinker.previousPossibleMention');
    assert.equal(selected(), 'Mayor of Southampton');
  });

  test('Next / Previous Possible Name skip the lower-case words no KB name covers ("apple" is the tiny KB\'s fruit; "green" before it may start a compound); Possible Mention stops at each', async function () {
    this.timeout(60_000);
    const editor = activeEditor();
    const shown = api.mentions(editor.document.uri.toString()).map((m) => m.text);
    assert.ok(!shown.includes('apple'), `lower-case "apple" is no suggestion in names mode (mentions: ${JSON.stringify(shown)})`);
    const from = editor.document.positionAt(TEXT.indexOf(' a ripe'));
    editor.selection = new vscode.Selection(from, from);
    await vscode.commands.executeCommand('entityLinker.nextPossibleMention');
    assert.equal(selected(), 'ripe', 'Possible Mention stops at every content word');
    editor.selection = new vscode.Selection(from, from);
    await vscode.commands.executeCommand('entityLinker.nextPossibleName');
    assert.equal(selected(), 'green', 'Possible Name skips "ripe": the first stop is the word right before the KB name');
    await vscode.commands.executeCommand('entityLinker.nextPossibleName');
    assert.equal(selected(), 'apple');
    await vscode.commands.executeCommand('entityLinker.previousPossibleName');
    await vscode.commands.executeCommand('entityLinker.previousPossibleName');
    assert.equal(selected(), 'Southampton', 'back over "green", then "ripe" and "picked" to the name of the line before');
    await vscode.commands.executeCommand('entityLinker.previousPossibleMention');
    assert.equal(selected(), 'Mayor of Southampton', 'the capitalised stops are the same');
  });
});
