import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ONLINE_STATE_FILE } from '../../../src/core/training/onlineStateFile';
import type { HostTestApi } from '../../../src/host/hostTestApi';
import { openEditorWorkspace } from './editorFixtures';

/** "fruit company" is no name of the KB: dictionary detection never proposes it. */
const FIRST = 'We bought a phone from the fruit company last week.\n';
const SECOND = 'Later the fruit company sold us another one.\n';
const FORM = 'fruit company';

suite('Entity Linker: detection learns online', () => {
  let api: HostTestApi;
  let root: string;

  const open = async (name: string, text: string): Promise<string> => {
    const file = path.join(root, name);
    fs.writeFileSync(file, text);
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document, { preview: false });
    const uri = document.uri.toString();
    await api.whenLinked(uri);
    return uri;
  };

  suiteSetup(async function () {
    this.timeout(120_000);
    ({ api, root } = await openEditorWorkspace({ 'learning.enabled': true, 'learning.refitEvery': 1 }));
  });

  suiteTeardown(async () => {
    // Later suites link with the model alone.
    await vscode.workspace.getConfiguration('entityLinker').update('learning.enabled', false, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a form linked with Link Selection in one document is detected in another open document after the refit, with no command', async function () {
    this.timeout(120_000);
    const first = await open('detection-first.txt', FIRST);
    const second = await open('detection-second.txt', SECOND);
    const detected = (uri: string): boolean => api.mentions(uri).some((m) => m.text === FORM);
    assert.ok(!detected(first) && !detected(second), `the dictionary does not detect "${FORM}": ${JSON.stringify(api.mentions(second))}`);

    const state = path.join(root, '.entity-links', ONLINE_STATE_FILE);
    // Link Selection on the form in the first document, picking Apple Inc. (the production labelling backend).
    const start = FIRST.indexOf(FORM);
    await api.mentionBackend().relabel({ uri: first, start, end: start + FORM.length }, 'Q312');
    const deadline = Date.now() + 60_000;
    while (!detected(second) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await api.whenLinked(second);
    }
    const found = api.mentions(second).find((m) => m.text === FORM);
    assert.ok(found !== undefined, `after the refit the second document proposes "${FORM}": ${JSON.stringify(api.mentions(second))}`);
    assert.equal(found.status, 'predicted', 'it is a suggestion, not a decision');
    assert.equal(found.kbId, 'Q312', 'linked to the entity the annotator chose');
    // The memory reaches the link thread at once; the training thread writes the state file at its refit, which may
    // end a moment after the second document already shows the form.
    const persisted = (): boolean => fs.existsSync(state) && ((JSON.parse(fs.readFileSync(state, 'utf8')) as { memory: { names: Record<string, string[]> } }).memory.names.Q312 ?? []).includes(FORM);
    while (!persisted() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(persisted(), 'the confirmed form is kept in the workspace state (it survives a restart)');
  });

  test('between refits the memory reaches the link thread at once: the form is detected in another open document before any refit', async function () {
    this.timeout(120_000);
    await vscode.workspace.getConfiguration('entityLinker').update('learning.refitEvery', 1000, vscode.ConfigurationTarget.Workspace);
    const form = 'orchard firm';
    const third = await open('detection-third.txt', `The ${form} grew the apples.\n`);
    const fourth = await open('detection-fourth.txt', `Then the ${form} sold them.\n`);
    const detected = (uri: string): boolean => api.mentions(uri).some((m) => m.text === form);
    assert.ok(!detected(fourth), `the dictionary does not detect "${form}"`);
    const start = 'The '.length;
    await api.mentionBackend().relabel({ uri: third, start, end: start + form.length }, 'Q312');
    const deadline = Date.now() + 60_000;
    while (!detected(fourth) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await api.whenLinked(fourth);
    }
    assert.ok(detected(fourth), `without a refit the other document proposes "${form}": ${JSON.stringify(api.mentions(fourth))}`);
    const saved = JSON.parse(fs.readFileSync(path.join(root, '.entity-links', ONLINE_STATE_FILE), 'utf8')) as { memory: { names: Record<string, string[]> } };
    assert.ok(!(saved.memory.names.Q312 ?? []).includes(form), 'no refit ran (the training thread writes the file at refits)');
  });

  test('a confirmed mention\'s in-context vector joins the exemplar memory, kept in the workspace state', async function () {
    this.timeout(120_000);
    await vscode.workspace.getConfiguration('entityLinker').update('learning.refitEvery', 1, vscode.ConfigurationTarget.Workspace);
    const text = 'The grove company pressed cider. The grove company sold it.\n';
    const uri = await open('exemplar-first.txt', text);
    const state = path.join(root, '.entity-links', ONLINE_STATE_FILE);
    const exemplarsOf = (id: string): number => {
      if (!fs.existsSync(state)) return 0;
      const saved = JSON.parse(fs.readFileSync(state, 'utf8')) as { exemplars?: { entities: Record<string, { n: number }> } };
      return saved.exemplars?.entities[id]?.n ?? 0;
    };
    const before = exemplarsOf('Q312');
    const first = text.indexOf('grove company');
    await api.mentionBackend().relabel({ uri, start: first, end: first + 'grove company'.length }, 'Q312');
    // The vector is asked of the link thread after the decision; the training thread saves it with a later refit.
    const second = text.lastIndexOf('grove company');
    const deadline = Date.now() + 60_000;
    while (exemplarsOf('Q312') <= before && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      if (exemplarsOf('Q312') <= before && !api.mentions(uri).some((m) => m.start === second && m.status !== 'predicted')) {
        await api.mentionBackend().relabel({ uri, start: second, end: second + 'grove company'.length }, 'Q312');
      }
    }
    assert.ok(exemplarsOf('Q312') > before, `the state file holds the confirmed mentions' vectors for Q312: ${fs.existsSync(state) ? fs.readFileSync(state, 'utf8').slice(0, 300) : 'no file'}`);
  });
});
