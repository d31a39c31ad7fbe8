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
