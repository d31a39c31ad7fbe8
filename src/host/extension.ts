import type * as vscode from 'vscode';
import { EntityLinker } from './entityLinker';

/** The composition root: one EntityLinker owns everything and is disposed with the extension. */
export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(new EntityLinker(context));
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
