import * as vscode from 'vscode';
import { LinkerError } from '../../core/errors';

/** The folder whose annotation store is used: the one given, the only workspace folder, or one the user picks. */
export async function storeRootFor(given: string | undefined): Promise<string> {
  if (given !== undefined) return given;
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    throw new LinkerError('usage', 'No workspace folder is open: the annotations live in a folder\'s .entity-links/.', { hint: 'Open the folder you annotated.' });
  }
  if (folders.length === 1) return folders[0]!.uri.fsPath;
  const picked = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Whose annotations?' });
  if (picked === undefined) throw new LinkerError('cancelled', 'No workspace folder was picked.');
  return picked.uri.fsPath;
}

/** Shows the worker's progress messages in a notification, moving the bar when a stage has a total. */
export function progressReporter(progress: vscode.Progress<{ message?: string; increment?: number }>): (p: { stage: string; done: number; total?: number }) => void {
  let key = '';
  let percent = 0;
  return (p) => {
    // Epoch lines change their text every epoch but are one stage: keep the bar moving across them.
    const stageKey = p.stage.replace(/:.*$/, '');
    if (stageKey !== key) {
      key = stageKey;
      percent = 0;
    }
    if (p.total === undefined || p.total <= 0) {
      progress.report({ message: `${p.stage} (${p.done})` });
      return;
    }
    const next = Math.min(100, (100 * p.done) / p.total);
    progress.report({ message: `${p.stage} (${p.done}/${p.total})`, increment: Math.max(0, next - percent) });
    percent = next;
  };
}
