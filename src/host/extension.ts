import type * as vscode from 'vscode';
import type { EditorTestApi } from './editor/editorTestApi';
import { EntityLinker } from './entityLinker';

/**
 * The composition root: one EntityLinker owns everything and is disposed with the extension. The returned
 * object is the read-only API integration tests and benchmarks use (what was decorated, event-loop delay).
 */
export function activate(context: vscode.ExtensionContext): EditorTestApi {
  const extension = new EntityLinker(context);
  context.subscriptions.push(extension);
  return extension.testApi();
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
