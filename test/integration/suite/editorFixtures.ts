import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HostTestApi } from '../../../src/host/hostTestApi';

const EXTENSION_ID = 'entity-linker.entity-linker';

/** The tiny KB the editor tests link against (relative to the workspace root). */
export const EDITOR_KB = 'kb/tiny.jsonl';

const ENTITIES = [
  { id: 'Q312', title: 'Apple Inc.', text: 'American technology company that makes the iPhone.', aliases: ['Apple', 'the iPhone maker'], type: 'organization' },
  { id: 'Q89', title: 'apple', text: 'Edible fruit of the apple tree.', aliases: ['Apple'], type: 'fruit' },
  { id: 'Q19837', title: 'Steve Jobs', text: 'American businessman, co-founder of Apple Inc.', aliases: ['Jobs'], type: 'person' },
  { id: 'Q60', title: 'New York City', text: 'Most populous city in the United States.', aliases: ['New York', 'NYC'], type: 'city' },
  { id: 'Q99', title: 'California', text: 'State of the United States on the Pacific coast.', aliases: [], type: 'state' },
];

export const EDITOR_TEXT = 'Steve Jobs co-founded Apple, the technology company that makes the iPhone.\n\nHe later moved to New York.\n';

/** Writes the KB and the documents the editor tests open. */
export function writeEditorFixtures(root: string): void {
  fs.mkdirSync(path.join(root, 'kb'), { recursive: true });
  fs.writeFileSync(path.join(root, EDITOR_KB), ENTITIES.map((e) => JSON.stringify(e)).join('\n') + '\n');
  fs.writeFileSync(path.join(root, 'story.txt'), EDITOR_TEXT);
  fs.writeFileSync(path.join(root, 'second.txt'), `${EDITOR_TEXT}\nSome say the iPhone maker changed everything.\n`);
}

/**
 * The start the editor suites share: the fixtures are written into the run's workspace folder, `prepare` adds a
 * suite's own files, the tiny KB and the CPU provider (and `settings`, e.g. learning on) are set for the workspace,
 * and the extension is activated.
 */
export async function openEditorWorkspace(settings: Readonly<Record<string, unknown>> = {}, prepare?: (root: string) => void): Promise<{ api: HostTestApi; root: string }> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration run opens a workspace folder');
  const root = folder.uri.fsPath;
  writeEditorFixtures(root);
  prepare?.(root);
  const config = vscode.workspace.getConfiguration('entityLinker');
  for (const [key, value] of Object.entries({ 'kb.sources': [`jsonl:${EDITOR_KB}`], 'model.provider': 'cpu', ...settings })) {
    await config.update(key, value, vscode.ConfigurationTarget.Workspace);
  }
  const ext = vscode.extensions.getExtension<HostTestApi>(EXTENSION_ID);
  assert.ok(ext);
  return { api: await ext.activate(), root };
}

/** The active text editor (fails when there is none). */
export function activeEditor(): vscode.TextEditor {
  const editor = vscode.window.activeTextEditor;
  assert.ok(editor, 'an editor is active');
  return editor;
}

/** The text the active editor's selection covers. */
export function selectedText(): string {
  const editor = activeEditor();
  return editor.document.getText(editor.selection);
}

/** Writes a suite's own documents (paths relative to the workspace root). */
export function writeDocuments(root: string, docs: readonly (readonly [string, string])[]): void {
  for (const [name, text] of docs) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
}

/** Closes the editors and removes a suite's documents (under `folder`) and their annotation files. */
export async function removeDocuments(root: string, folder: string, docs: readonly (readonly [string, string])[]): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  fs.rmSync(path.join(root, folder), { recursive: true, force: true });
  for (const [name] of docs) fs.rmSync(path.join(root, '.entity-links', `${name}.jsonl`), { force: true });
}

/**
 * Runs a Link Selection command by keyboard: a confident top candidate is accepted at once, else the candidate
 * picker opens and Enter takes its first row. Fails if the command has not finished within 30 s.
 */
export async function linkSelectionPickingFirst(command: string): Promise<void> {
  let done = false;
  const linking = Promise.resolve(vscode.commands.executeCommand(command)).finally(() => (done = true));
  for (const deadline = Date.now() + 30_000; !done && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    if (!done) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }
  assert.ok(done, `${command} finished (the picker took Enter)`);
  await linking;
}
