import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type AnnotationRecord, headerFor, serializeAnnotationFile } from '../../../src/core/annotations/annotationRecord';
import type { EditorTestApi } from '../../../src/host/editor/editorTestApi';
import { EDITOR_KB, EDITOR_TEXT, writeEditorFixtures } from './editorFixtures';
import { until } from './waitUntil';

const EXTENSION_ID = 'entity-linker.entity-linker';

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration run opens a workspace folder');
  return folder.uri.fsPath;
}

suite('Entity Linker: linking and annotating in the editor', () => {
  let api: EditorTestApi;
  let root: string;

  async function openLinked(name: string): Promise<vscode.TextEditor> {
    const document = await vscode.workspace.openTextDocument(path.join(root, name));
    const editor = await vscode.window.showTextDocument(document);
    await api.whenLinked(document.uri.toString());
    return editor;
  }

  const find = (uri: vscode.Uri, text: string) => api.mentions(uri.toString()).find((m) => m.text === text);

  suiteSetup(async function () {
    this.timeout(120_000);
    root = workspaceRoot();
    writeEditorFixtures(root);
    const config = vscode.workspace.getConfiguration('entityLinker');
    await config.update('kb.sources', [`jsonl:${EDITOR_KB}`], vscode.ConfigurationTarget.Workspace);
    await config.update('linking.debounceMs', 30, vscode.ConfigurationTarget.Workspace);
    await config.update('model.provider', 'cpu', vscode.ConfigurationTarget.Workspace);
    const ext = vscode.extensions.getExtension<EditorTestApi>(EXTENSION_ID);
    assert.ok(ext);
    api = await ext.activate();
    // What earlier suites taught the linker (a form they rejected) must not change what this one is proposed.
    await vscode.commands.executeCommand('entityLinker.forgetLearning', { ask: false });
  });

  test('an opened document is linked in a worker and decorated at the mention ranges', async function () {
    this.timeout(120_000);
    const editor = await openLinked('story.txt');
    const uri = editor.document.uri.toString();
    assert.equal(api.linkerThread(), 'worker');
    assert.equal(api.session()?.kbSize, 5);
    const drawn = api.decorations(uri).map((d) => [editor.document.getText().slice(d.start, d.end), d.style.startsWith('predicted') || d.style === 'ambiguous']);
    assert.deepEqual(drawn, [['Steve Jobs', true], ['Apple', true], ['New York', true]]);
    assert.equal(find(editor.document.uri, 'Steve Jobs')?.kbId, 'Q19837');
    assert.equal(find(editor.document.uri, 'New York')?.kbId, 'Q60');
    assert.ok(['Q312', 'Q89'].includes(find(editor.document.uri, 'Apple')?.kbId ?? ''));
  });

  test('accept by command writes the annotation file; typing before the mention moves it; undo and redo', async function () {
    this.timeout(60_000);
    const editor = await openLinked('story.txt');
    const { document } = editor;
    const apple = find(document.uri, 'Apple');
    assert.ok(apple);
    const at = document.positionAt(apple.start + 1);
    editor.selection = new vscode.Selection(at, at);
    const accepted = await vscode.commands.executeCommand<string>('entityLinker.acceptTop');
    assert.ok(apple.kbId !== undefined);
    assert.equal(accepted, apple.kbId, 'the top candidate is accepted');
    assert.equal(find(document.uri, 'Apple')?.status, 'accepted');
    const file = api.annotationFile(document.uri.toString());
    assert.ok(file !== undefined && fs.existsSync(file), `annotation file ${file} written`);
    const stored = fs.readFileSync(file, 'utf8');
    assert.ok(stored.includes(`"kbId":"${apple.kbId}"`));
    assert.match(stored, /"status":"accepted"/);
    await api.whenLinked(document.uri.toString());
    assert.equal(api.decorations(document.uri.toString()).find((d) => d.style === 'accepted')?.start, apple.start);

    await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'Hello there. '));
    const moved = find(document.uri, 'Apple');
    assert.equal(moved?.status, 'accepted');
    assert.equal(moved?.start, apple.start + 13);
    await api.whenLinked(document.uri.toString());
    assert.equal(find(document.uri, 'Steve Jobs')?.start, 13, 'the prediction before the accepted mention moved too');
    await document.save();
    await until('the saved annotation file to hold the new offset', () => fs.readFileSync(file, 'utf8').includes(`"start":${apple.start + 13}`));

    assert.equal(await vscode.commands.executeCommand('entityLinker.undoAnnotation'), true);
    assert.equal(find(document.uri, 'Apple')?.status, 'predicted');
    assert.ok(!fs.readFileSync(file, 'utf8').includes(`"kbId":"${apple.kbId}"`));
    assert.equal(await vscode.commands.executeCommand('entityLinker.redoAnnotation'), true);
    assert.equal(find(document.uri, 'Apple')?.status, 'accepted');
    assert.ok(fs.readFileSync(file, 'utf8').includes(`"kbId":"${apple.kbId}"`));
  });

  test('hover lists the ranked candidates with accept links; code actions offer the labelling actions; reveal selects', async function () {
    this.timeout(60_000);
    const editor = await openLinked('story.txt');
    const { document } = editor;
    const jobs = find(document.uri, 'Steve Jobs');
    assert.ok(jobs);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, document.positionAt(jobs.start + 2));
    const markdown = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(markdown, /Steve Jobs/);
    assert.match(markdown, /command:entityLinker\.acceptCandidate\?/);
    assert.match(markdown, /American businessman/);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, new vscode.Range(document.positionAt(jobs.start + 1), document.positionAt(jobs.start + 1)));
    const titles = actions.map((a) => a.title);
    for (const expected of [/^Choose the entity/, /^Mark "Steve Jobs" NIL/, /^Reject "Steve Jobs" \(not a mention\)/, /^Reject "Steve Jobs" and the \d+ open mentions? after it/, /^Accept the top candidates of "Steve Jobs" and the \d+ open mentions? after it/, /^Show the hardest negatives of "Steve Jobs"/]) {
      assert.ok(titles.some((t) => expected.test(t)), `code action ${expected} in ${JSON.stringify(titles)}`);
    }
    assert.match(markdown, /command:entityLinker\.showMention\?/, 'the hover links to the hard-negatives panel');
    // The Mentions view's context menu passes its tree element; the panel opens for that mention.
    // Apple, not the mention under the cursor (put on Steve Jobs), so falling back to the cursor would open the wrong one.
    editor.selection = new vscode.Selection(document.positionAt(jobs.start + 1), document.positionAt(jobs.start + 1));
    const treeElement = { kind: 'mention', uri: document.uri.toString(), mention: api.mentions(document.uri.toString()).find((m) => m.text === 'Apple') };
    await vscode.commands.executeCommand('entityLinker.showMention', treeElement);
    // The workbench adds the panel's tab (and its title, once the data arrives) asynchronously.
    const tabLabels = (): string[] => vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
    for (let i = 0; i < 100 && !tabLabels().includes('Mention: Apple'); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(tabLabels().includes('Mention: Apple'), `a mention panel tab for Apple in ${JSON.stringify(tabLabels())}`);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('entityLinker.revealMention', { uri: document.uri.toString(), start: jobs.start, end: jobs.end });
    const selection = vscode.window.activeTextEditor?.selection;
    assert.deepEqual([document.offsetAt(selection!.start), document.offsetAt(selection!.end)], [jobs.start, jobs.end]);
  });

  test('mark NIL, reject, next mention, accept all above a threshold', async function () {
    this.timeout(60_000);
    const editor = await openLinked('second.txt');
    const { document } = editor;
    const uri = document.uri.toString();
    const jobs = find(document.uri, 'Steve Jobs');
    assert.ok(jobs);
    await vscode.commands.executeCommand('entityLinker.markNil', { uri, start: jobs.start, end: jobs.end });
    assert.equal(find(document.uri, 'Steve Jobs')?.status, 'nil');
    await api.whenLinked(uri);
    assert.equal(api.decorations(uri).find((d) => d.start === jobs.start)?.style, 'nil');
    editor.selection = new vscode.Selection(new vscode.Position(0, 0), new vscode.Position(0, 0));
    const next = await vscode.commands.executeCommand<{ text: string }>('entityLinker.nextMention');
    assert.equal(next?.text, 'Apple', 'the NIL mention is resolved, so the next unresolved one is Apple');
    await vscode.commands.executeCommand('entityLinker.reject');
    assert.equal(find(document.uri, 'Apple')?.status, 'rejected');
    const count = await vscode.commands.executeCommand<number>('entityLinker.acceptAllAbove', uri, 0);
    assert.ok(count !== undefined && count >= 1, `accepted ${count}`);
    assert.equal(find(document.uri, 'New York')?.status, 'accepted');
    assert.equal(find(document.uri, 'Apple')?.status, 'rejected', 'decided mentions are left alone');
    assert.equal(await vscode.commands.executeCommand('entityLinker.undoAnnotation', uri), true);
    assert.equal(find(document.uri, 'New York')?.status, 'predicted');
    // Undo the rejection and the NIL too: online learning takes them back, so Apple and Steve Jobs are proposed
    // again (here, and in the suites after this one, which link them).
    assert.equal(await vscode.commands.executeCommand('entityLinker.undoAnnotation', uri), true);
    await until('Apple to be proposed again once its rejection is undone', () => find(document.uri, 'Apple')?.status === 'predicted');
    assert.equal(await vscode.commands.executeCommand('entityLinker.undoAnnotation', uri), true);
    await until('Steve Jobs to be proposed again once its NIL is undone', () => find(document.uri, 'Steve Jobs')?.status === 'predicted');
  });

  test('undoing a NIL after the document was linked again brings the mention back', async function () {
    this.timeout(60_000);
    fs.writeFileSync(path.join(root, 'relinked.txt'), 'Steve Jobs spoke in New York.\n');
    const editor = await openLinked('relinked.txt');
    const { document } = editor;
    const uri = document.uri.toString();
    const jobs = find(document.uri, 'Steve Jobs');
    assert.equal(jobs?.status, 'predicted');
    await vscode.commands.executeCommand('entityLinker.markNil', { uri, start: jobs.start, end: jobs.end });
    // An edit links the document again while the NIL stands: the run with it in the context leaves the span out.
    await editor.edit((b) => b.insert(document.positionAt(document.getText().length), 'He smiled.\n'));
    await document.save();
    await api.whenLinked(uri);
    assert.equal(find(document.uri, 'Steve Jobs')?.status, 'nil');
    assert.equal(await vscode.commands.executeCommand('entityLinker.undoAnnotation', uri), true);
    await until('Steve Jobs to be proposed again once its NIL is undone', () => find(document.uri, 'Steve Jobs')?.status === 'predicted', 10_000);
  });

  test('link a selection: the span is linked and stored as a suggestion', async function () {
    this.timeout(60_000);
    const editor = await openLinked('second.txt');
    const uri = editor.document.uri.toString();
    const start = editor.document.getText().indexOf('the iPhone maker');
    const top = await vscode.commands.executeCommand<string>('entityLinker.linkSelection', { uri, start, end: start + 'the iPhone maker'.length });
    assert.equal(top, 'Q312');
    assert.equal(api.mentions(uri).find((m) => m.start === start)?.status, 'suggested');
  });

  test('close and reopen: the decisions come back from the annotation file', async function () {
    this.timeout(60_000);
    let editor = await openLinked('story.txt');
    const uri = editor.document.uri;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    editor = await openLinked('story.txt');
    assert.equal(editor.document.uri.toString(), uri.toString());
    assert.equal(find(uri, 'Apple')?.status, 'accepted');
  });

  test('a file changed on disk is re-anchored: moved decisions follow, lost ones are flagged for review', async function () {
    this.timeout(60_000);
    const oldText = 'Apple hired Steve Jobs.\n\nLater Apple moved.\n';
    const newText = 'Preface added elsewhere.\n\nApple hired Steve Jobs.\n\nLater the company moved.\n';
    const record = (id: string, start: number, end: number, kbId: string): AnnotationRecord => ({
      id, start, end, text: oldText.slice(start, end), kbId, status: 'accepted', candidates: [], annotator: 'test', time: new Date(0).toISOString(), modelVersion: '',
      context: { before: oldText.slice(Math.max(0, start - 32), start), after: oldText.slice(end, end + 32) },
    });
    const later = oldText.indexOf('Apple', 5);
    fs.writeFileSync(path.join(root, 'changed.txt'), newText);
    const annotationFile = path.join(root, '.entity-links', 'changed.txt.jsonl');
    fs.mkdirSync(path.dirname(annotationFile), { recursive: true });
    fs.writeFileSync(annotationFile, serializeAnnotationFile(headerFor('changed.txt', oldText), [record('a1', 0, 5, 'Q312'), record('a2', later, later + 5, 'Q312')]));
    const editor = await openLinked('changed.txt');
    const mentions = api.mentions(editor.document.uri.toString());
    const first = mentions.find((m) => m.annotationId === 'a1');
    assert.equal(first?.start, newText.indexOf('Apple'));
    assert.equal(first?.status, 'accepted');
    const lost = mentions.find((m) => m.annotationId === 'a2');
    assert.equal(lost?.status, 'needsReview');
  });

  test('a document changed on disk while open follows the change (VS Code reloads it) and its decisions move', async function () {
    this.timeout(60_000);
    const editor = await openLinked('story.txt');
    const { document } = editor;
    const before = find(document.uri, 'Apple');
    assert.equal(before?.status, 'accepted');
    const text = document.getText();
    fs.writeFileSync(document.uri.fsPath, `A new first paragraph.\n\n${text}`);
    const moved = await until('VS Code to reload the changed file', () => find(document.uri, 'Apple')?.start === before.start + 24 && find(document.uri, 'Apple'));
    assert.equal(moved.status, 'accepted');
  });

  test('a corrupt annotation file is reported and left untouched; actions refuse instead of overwriting it', async function () {
    this.timeout(60_000);
    fs.writeFileSync(path.join(root, 'corrupt.txt'), EDITOR_TEXT);
    const annotationFile = path.join(root, '.entity-links', 'corrupt.txt.jsonl');
    const corrupt = `${JSON.stringify(headerFor('corrupt.txt', EDITOR_TEXT))}\n{"kind":"annotation", broken\n`;
    fs.mkdirSync(path.dirname(annotationFile), { recursive: true });
    fs.writeFileSync(annotationFile, corrupt);
    const editor = await openLinked('corrupt.txt');
    const apple = find(editor.document.uri, 'Apple');
    assert.equal(apple?.status, 'predicted', 'linking still works on the document');
    const result = await vscode.commands.executeCommand('entityLinker.acceptTop', { uri: editor.document.uri.toString(), start: apple.start, end: apple.end });
    assert.equal(result, undefined, 'the action is refused');
    assert.equal(fs.readFileSync(annotationFile, 'utf8'), corrupt, 'the corrupt file is left as it was');
  });

  test('import annotations from an elevant JSONL file: texts and accepted annotations land in the store', async function () {
    this.timeout(60_000);
    const text = 'Steve Jobs lived in New York.';
    const gold = path.join(root, 'gold.benchmark.jsonl');
    fs.writeFileSync(gold, `${JSON.stringify({ id: 'doc1', title: 'Doc 1', text, labels: [{ id: 1, span: [0, 10], entity_id: 'Q19837', name: 'Steve Jobs' }, { id: 2, span: [20, 28], entity_id: 'Q60', name: 'New York City' }] })}\n`);
    const added = await vscode.commands.executeCommand<number>('entityLinker.importAnnotations', gold, 'elevant');
    assert.equal(added, 2);
    const stored = fs.readFileSync(path.join(root, '.entity-links', 'imported', 'elevant', 'doc1.txt.jsonl'), 'utf8');
    assert.match(stored, /"kbId":"Q19837"/);
    assert.equal(fs.readFileSync(path.join(root, 'imported', 'elevant', 'doc1.txt'), 'utf8'), text);
    const editor = await openLinked('imported/elevant/doc1.txt');
    assert.deepEqual(api.mentions(editor.document.uri.toString()).map((m) => [m.text, m.status]), [['Steve Jobs', 'accepted'], ['New York', 'accepted']]);
  });

  test('the extension host stays responsive while a long document is linked', async function () {
    this.timeout(120_000);
    // ~5,000 words: 300 paragraphs of the 17-word fixture text.
    const longText = Array.from({ length: 300 }, () => EDITOR_TEXT).join('\n');
    // Earlier tests' decisions (a NIL, a rejection) withdraw those forms everywhere through online learning, so one
    // paragraph alone, linked in the same state, says how many mentions each paragraph must get.
    fs.writeFileSync(path.join(root, 'long-one.txt'), EDITOR_TEXT);
    const perParagraph = api.decorations((await openLinked('long-one.txt')).document.uri.toString()).length;
    assert.ok(perParagraph >= 2, `a paragraph still has mentions (${perParagraph})`);
    fs.writeFileSync(path.join(root, 'long.txt'), longText);
    const opened = performance.now();
    const editor = await openLinked('long.txt');
    const openToDecorations = performance.now() - opened;
    const uri = editor.document.uri.toString();
    assert.ok(api.decorations(uri).length >= 300 * perParagraph, `every paragraph is linked and decorated (${api.decorations(uri).length} for 300 x ${perParagraph})`);
    let linked = { ms: 0, mentions: 0 };
    const delay = await api.eventLoopDelay(async () => (linked = await api.linkTimed(uri)));
    // Typing in one paragraph re-links only that paragraph.
    const typed = performance.now();
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'Yes. '));
    await api.whenLinked(uri);
    const editToDecorations = performance.now() - typed;
    const figures = { words: longText.split(/\s+/).filter(Boolean).length, mentions: linked.mentions, openToDecorationsMs: openToDecorations, warmLinkMs: linked.ms, editToDecorationsMs: editToDecorations, debounceMs: 30, eventLoop: delay, thread: api.linkerThread() };
    // The runner keeps the artifacts folder: the figures land beside the workspace for bench reports.
    fs.writeFileSync(path.join(root, '..', 'editor-figures.json'), JSON.stringify(figures, null, 2));
    assert.ok(delay.p99Ms < 100, `event-loop delay p99 ${delay.p99Ms.toFixed(1)} ms while linking for ${delay.wallMs.toFixed(0)} ms`);
  });

  test('a KB change reloads only the linking session (after the prompt or Reload): the new KB links at once', async function () {
    this.timeout(120_000);
    fs.writeFileSync(path.join(root, 'kb', 'extra.jsonl'), `${JSON.stringify({ id: 'Q1', title: 'Garage Band', text: 'A band that plays in a garage.', aliases: ['Garage Band'] })}\n`);
    const config = vscode.workspace.getConfiguration('entityLinker');
    await config.update('kb.sources', [`jsonl:${EDITOR_KB}`, 'jsonl:kb/extra.jsonl'], vscode.ConfigurationTarget.Workspace);
    assert.equal(api.session()?.kbSize, 5, 'nothing reloads until the user agrees');
    await vscode.commands.executeCommand('entityLinker.reloadLinker');
    fs.writeFileSync(path.join(root, 'band.txt'), 'They formed Garage Band in 1999.\n');
    const editor = await openLinked('band.txt');
    assert.equal(api.session()?.kbSize, 6);
    assert.equal(api.linkerThread(), 'worker');
    assert.equal(find(editor.document.uri, 'Garage Band')?.kbId, 'Q1');
  });
});
