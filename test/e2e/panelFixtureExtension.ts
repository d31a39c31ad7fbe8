import * as path from 'node:path';
import * as vscode from 'vscode';
import { KbSearch } from '../../src/core/linker/kbSearch';
import { silentLogger } from '../../src/core/log';
import { entityHit } from '../../src/core/worker/linkerRequestHandler';
import { CurationFlow } from '../../src/host/panels/curationPicker';
import { PanelManager } from '../../src/host/panels/panelManager';
import { PanelTestBackend } from '../integration/suite/panelTestBackend';

/**
 * The extension the panel end-to-end test loads: the real panels (PanelManager, the webview bundle, the
 * protocol) over the session-backed test MentionBackend, with the panel commands under their real ids. It stands
 * in for the editor side while that is not wired; the panels cannot tell the difference (they see only the
 * MentionBackend interface).
 */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (folder === undefined) throw new Error('the panel fixture needs a workspace folder');
  const backend = await PanelTestBackend.create(REPO_ROOT, folder);
  const panels = new PanelManager(context.extensionUri, () => backend, silentLogger);
  // The real curation flow; its KB search runs over the test session in process (the extension asks the worker).
  const { kb, linker } = backend.session;
  const search = new KbSearch(kb.entities, () => linker.lexical);
  const curation = new CurationFlow({ searchKb: (query, limit) => Promise.resolve(search.rows(query, limit).map((row) => entityHit(kb.entities[row]))) }, silentLogger);
  context.subscriptions.push(
    panels,
    { dispose: () => void backend.dispose(false) },
    vscode.commands.registerCommand('entityLinker.showMention', () => panels.showMention()),
    vscode.commands.registerCommand('entityLinker.showCorpus', () => panels.showCorpus()),
    vscode.commands.registerCommand('entityLinker.curateDisagreements', () => curation.run()),
  );
  // Tells the test the backend is ready (the status bar is what the browser can see).
  const item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left);
  item.text = 'panel fixture ready';
  item.show();
  context.subscriptions.push(item);
}

export function deactivate(): void {
  // Disposed through context.subscriptions.
}
