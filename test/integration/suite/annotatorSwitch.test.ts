import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ONLINE_STATE_FILE } from '../../../src/core/training/onlineStateFile';
import type { HostTestApi } from '../../../src/host/hostTestApi';
import { EDITOR_TEXT, openEditorWorkspace } from './editorFixtures';
import { until } from './waitUntil';

const DOC = 'annotator-switch.txt';

/** The records of an annotation file (its header line left out). */
function records(file: string): { annotator: string; status: string; text: string }[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').slice(1).map((l) => JSON.parse(l) as { annotator: string; status: string; text: string });
}

suite('Entity Linker: switching the annotator takes effect at once', () => {
  let api: HostTestApi;
  let root: string;

  suiteSetup(async function () {
    this.timeout(120_000);
    ({ api, root } = await openEditorWorkspace({ annotator: 'alice', 'learning.enabled': true, 'learning.refitEvery': 1 }, (dir) => {
      for (const who of ['@alice', '@bob']) fs.rmSync(path.join(dir, '.entity-links', who), { recursive: true, force: true });
      fs.writeFileSync(path.join(dir, DOC), EDITOR_TEXT);
    }));
  });

  suiteTeardown(async () => {
    const config = vscode.workspace.getConfiguration('entityLinker');
    for (const key of ['annotator', 'learning.enabled', 'learning.refitEvery']) await config.update(key, undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Later suites read the whole team store (curation lists every disagreement): leave no annotator's labels behind.
    for (const name of ['@alice', '@bob']) fs.rmSync(path.join(root, '.entity-links', name), { recursive: true, force: true });
    fs.rmSync(path.join(root, DOC), { force: true });
  });

  test('labels are written under the new annotator, the open document shows their labels, and online learning keeps their own state', async function () {
    this.timeout(180_000);
    const document = await vscode.workspace.openTextDocument(path.join(root, DOC));
    await vscode.window.showTextDocument(document);
    const uri = document.uri.toString();
    await api.whenLinked(uri);
    const find = (text: string) => api.mentions(uri).find((x) => x.text === text);
    const mentionOf = (text: string) => {
      const m = find(text);
      assert.ok(m, `"${text}" is a mention: ${JSON.stringify(api.mentions(uri).map((x) => x.text))}`);
      return m;
    };
    const alicesFile = path.join(root, '.entity-links', '@alice', `${DOC}.jsonl`);
    const bobsFile = path.join(root, '.entity-links', '@bob', `${DOC}.jsonl`);
    const bobsState = path.join(root, '.entity-links', '@bob', ONLINE_STATE_FILE);

    // Alice links Apple.
    const apple = mentionOf('Apple');
    await api.mentionBackend().relabel({ uri, start: apple.start, end: apple.end }, 'Q312');
    assert.deepEqual(records(alicesFile).map((r) => [r.annotator, r.text]), [['alice', 'Apple']]);

    // The setting changes to Bob: no reload. The open document now shows Bob's labels (none yet), so Alice's
    // decision is a suggestion again for him.
    await vscode.workspace.getConfiguration('entityLinker').update('annotator', 'bob', vscode.ConfigurationTarget.Workspace);
    await until(`Apple to be a suggestion again under Bob: ${JSON.stringify(find('Apple'))}`, () => find('Apple')?.status === 'predicted', 30_000);

    // Bob's decision goes to his own file, Alice's file is unchanged, and his online learning writes his own state.
    const york = mentionOf('New York');
    await api.mentionBackend().relabel({ uri, start: york.start, end: york.end }, 'Q60');
    assert.deepEqual(records(bobsFile).map((r) => [r.annotator, r.text]), [['bob', 'New York']]);
    assert.deepEqual(records(alicesFile).map((r) => [r.annotator, r.text]), [['alice', 'Apple']], 'Alice\'s labels are untouched');
    await until(`Bob's online learning state ${bobsState} after his decision (refitEvery 1)`, () => fs.existsSync(bobsState), 60_000);
    const state = JSON.parse(fs.readFileSync(bobsState, 'utf8')) as { decisions: number };
    assert.equal(state.decisions, 1, 'Bob\'s learner counts his one decision, not Alice\'s labels read as decisions');

    // Back to Alice: her label shows again.
    await vscode.workspace.getConfiguration('entityLinker').update('annotator', 'alice', vscode.ConfigurationTarget.Workspace);
    await until('Alice\'s label on Apple, and none on New York, after switching back', () => find('Apple')?.status === 'accepted' && find('New York')?.status === 'predicted', 30_000);
  });
});
