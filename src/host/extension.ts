import type * as vscode from 'vscode';
import { EntityLinker } from './entityLinker';
import type { HostTestApi } from './hostTestApi';
import { testHooksFor } from './testHooks';

/**
 * The composition root: one EntityLinker owns everything and is disposed with the extension. Other extensions
 * get nothing from `exports`; only under the integration harness (ENTITY_LINKER_TEST_HOOKS=1, testHooks.ts)
 * does activate() return the test hooks (what was decorated and shown, event-loop delay, the panels' backend).
 */
export function activate(context: vscode.ExtensionContext): HostTestApi | undefined {
  const extension = new EntityLinker(context);
  context.subscriptions.push(extension);
  return testHooksFor(process.env, () => extension.testApi());
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
