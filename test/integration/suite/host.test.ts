import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HostTestApi } from '../../../src/host/hostTestApi';
import type { ShownNotification } from '../../../src/host/notifier';
import { EDITOR_KB, EDITOR_TEXT, writeEditorFixtures } from './editorFixtures';
import { until } from './waitUntil';

const EXTENSION_ID = 'entity-linker.entity-linker';
const HOST_KB = 'kb/host.jsonl';

/** One annotation record of a document's annotation file, by span. */
function storedRecord(file: string, start: number): Record<string, unknown> | undefined {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r.kind !== 'header' && r.start === start);
}

suite('Entity Linker: the host (KB failures, settings prompts, the panels\' labelling backend)', () => {
  let api: HostTestApi;
  let root: string;
  let kbPath: string;
  let goodKb: string;
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('entityLinker');
  const shownSince = (count: number): readonly ShownNotification[] => api.notifications().slice(count);

  async function openLinked(name: string, text = EDITOR_TEXT): Promise<vscode.TextDocument> {
    fs.writeFileSync(path.join(root, name), text);
    const document = await vscode.workspace.openTextDocument(path.join(root, name));
    await vscode.window.showTextDocument(document);
    await api.whenLinked(document.uri.toString());
    return document;
  }

  suiteSetup(async function () {
    this.timeout(180_000);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the integration run opens a workspace folder');
    root = folder.uri.fsPath;
    writeEditorFixtures(root);
    kbPath = path.join(root, HOST_KB);
    goodKb = fs.readFileSync(path.join(root, EDITOR_KB), 'utf8');
    fs.writeFileSync(kbPath, goodKb);
    const ext = vscode.extensions.getExtension<HostTestApi>(EXTENSION_ID);
    assert.ok(ext);
    api = (await ext.activate()) as HostTestApi;
    assert.ok(api !== undefined, 'the harness sets ENTITY_LINKER_TEST_HOOKS, so activate() returns the test hooks');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await config().update('kb.sources', [`jsonl:${HOST_KB}`], vscode.ConfigurationTarget.Workspace);
    await config().update('linking.debounceMs', 30, vscode.ConfigurationTarget.Workspace);
    await config().update('model.provider', 'cpu', vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('entityLinker.reloadLinker');
  });

  suiteTeardown(async () => {
    fs.writeFileSync(kbPath, goodKb);
    await config().update('kb.lenient', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a KB that fails to load is named, opens at the bad line, is shown again after each reload, clears stale predictions; kb.lenient skips and reports', async function () {
    this.timeout(240_000);
    const document = await openLinked('host-story.txt');
    const uri = document.uri.toString();
    assert.ok(api.mentions(uri).some((m) => m.text === 'Apple' && m.status === 'predicted'), 'linked against the good KB first');

    const lines = goodKb.trim().split('\n');
    fs.writeFileSync(kbPath, [lines[0], lines[1], '{"id": "Q-bad", broken', ...lines.slice(2)].join('\n') + '\n');
    try {
      await failThenLoadLeniently(uri, lines.length);
    } finally {
      // The next tests link against the good KB, whatever happened here.
      fs.writeFileSync(kbPath, goodKb);
      await config().update('kb.lenient', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand('entityLinker.reloadLinker');
    }
  });

  async function failThenLoadLeniently(uri: string, entities: number): Promise<void> {
    const errorsSince = (count: number): readonly ShownNotification[] => shownSince(count).filter((n) => n.severity === 'error');

    let seen = api.notifications().length;
    api.replyToNextNotification('Open host.jsonl at Line 3');
    await vscode.commands.executeCommand('entityLinker.reloadLinker');
    await api.whenLinked(uri);
    const [first] = await until('the KB failure to be shown', () => errorsSince(seen).length > 0 && errorsSince(seen), 60_000);
    assert.match(first.message, /^Entity Linker: the KB could not be loaded\./);
    assert.match(first.message, /host\.jsonl:3:/);
    assert.match(first.message, /entityLinker\.kb\.lenient/, 'the way out is the setting the editor has');
    assert.doesNotMatch(first.message, /Linking the document failed|Load leniently/);
    assert.deepEqual(api.mentions(uri).filter((m) => m.status === 'predicted'), [], 'predictions from the previous KB are cleared');
    assert.deepEqual(api.decorations(uri), []);
    assert.match(api.statusText(), /\$\(error\)/);
    const opened = await until('the KB file to open at the bad line', () => {
      const editor = vscode.window.activeTextEditor;
      return editor?.document.uri.fsPath === kbPath && editor;
    }, 60_000);
    assert.equal(opened.selection.active.line, 2, 'the cursor is on line 3');

    // The same failure after a reload is a new failure: shown again, not swallowed.
    seen = api.notifications().length;
    await vscode.commands.executeCommand('entityLinker.reloadLinker');
    await api.whenLinked(uri);
    const again = await until('the KB failure to be shown again after the reload', () => errorsSince(seen).length > 0 && errorsSince(seen), 60_000);
    assert.equal(again.length, 1, 'once per reload, not once per document or keystroke');
    assert.equal(again[0].message, first.message);

    // Loading leniently: after a failed load the setting reloads without asking, skips the record and says so.
    seen = api.notifications().length;
    await config().update('kb.lenient', true, vscode.ConfigurationTarget.Workspace);
    await until('the lenient session', () => api.session()?.kbSize === entities, 60_000);
    const warnings = (): readonly ShownNotification[] => shownSince(seen).filter((n) => n.severity === 'warning');
    const [skipped] = await until('the skipped-records notice', () => warnings().length > 0 && warnings(), 60_000);
    assert.match(skipped.message, /without 1 bad record .*host\.jsonl:3/);
    assert.ok(skipped.actions.includes('Open host.jsonl at Line 3'));
    assert.deepEqual(shownSince(seen).filter((n) => /Reload the linker/.test(n.message)), [], 'nothing loaded was thrown away, so nothing is asked');
    await api.whenLinked(uri);
    assert.ok(api.mentions(uri).some((m) => m.text === 'Apple' && m.status === 'predicted'), 'linked again on the lenient KB');
  }

  test('changing model.path with the encoder and the session loaded prompts once', async function () {
    this.timeout(180_000);
    await openLinked('host-prompt.txt');
    assert.ok(api.session(), 'a session is loaded');
    assert.equal(typeof (await vscode.commands.executeCommand<number>('entityLinker.compareTexts', 'Steve Jobs', 'Apple')), 'number', 'the encoder is loaded');
    const seen = api.notifications().length;
    await config().update('model.path', path.join(root, 'another-model'), vscode.ConfigurationTarget.Workspace);
    // Both prompts of the old code came within milliseconds of the change.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const prompts = shownSince(seen);
    assert.equal(prompts.length, 1, JSON.stringify(prompts));
    assert.match(prompts[0].message, /Reload the linker/);
    await config().update('model.path', undefined, vscode.ConfigurationTarget.Workspace);
  });

  test('Declare Duplicate through the panels\' backend: duplicateIds in one undo step, every other field kept', async function () {
    this.timeout(120_000);
    const document = await openLinked('host-duplicate.txt');
    const uri = document.uri.toString();
    const apple = api.mentions(uri).find((m) => m.text === 'Apple');
    assert.ok(apple);
    const accepted = await vscode.commands.executeCommand<string>('entityLinker.acceptTop', { uri, start: apple.start, end: apple.end });
    assert.ok(accepted === 'Q312' || accepted === 'Q89', `accepted ${accepted}`);
    const file = api.annotationFile(uri);
    assert.ok(file !== undefined);
    const before = storedRecord(file, apple.start);
    assert.ok(before !== undefined && before.kbId === accepted);
    const duplicate = accepted === 'Q312' ? 'Q89' : 'Q312';

    // What the mention panel's "declare duplicate" button calls (MentionPanel.handle -> MentionBackend).
    await api.mentionBackend().declareDuplicate({ uri, start: apple.start, end: apple.end, annotationId: String(before.id) }, duplicate);
    const after = storedRecord(file, apple.start);
    assert.ok(after !== undefined);
    assert.deepEqual(after.duplicateIds, [duplicate]);
    assert.equal(after.alternativeIds, undefined, 'a duplicate is not an alternative label');
    const { duplicateIds: _added, ...kept } = after;
    assert.deepEqual(kept, before, 'id, status, annotator, time, candidates and context are kept');

    assert.equal(await vscode.commands.executeCommand('entityLinker.undoAnnotation', uri), true);
    assert.deepEqual(storedRecord(file, apple.start), before, 'one undo step takes the declaration back');
  });
});
