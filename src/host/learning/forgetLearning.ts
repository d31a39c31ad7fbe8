import * as vscode from 'vscode';
import type { OnlineLearning } from './onlineLearning';
import { plural } from '../../shared/plural';

/**
 * Entity Linker: Forget What Was Learned. From the palette it says how many decisions the linker adapted to and
 * asks first; called with `{ ask: false }` (tests, a script) it forgets at once. Returns the decisions forgotten,
 * undefined when the annotator declined.
 */
export async function forgetLearning(learning: OnlineLearning, options: unknown): Promise<number | undefined> {
  const ask = !(typeof options === 'object' && options !== null && (options as { ask?: unknown }).ask === false);
  const decisions = await learning.learnedDecisions();
  if (ask) {
    if (decisions === 0) {
      void vscode.window.showInformationMessage('Entity Linker: the linker has learned nothing in this workspace yet.');
      return 0;
    }
    const forget = 'Forget';
    const picked = await vscode.window.showWarningMessage(
      `Forget what the linker learned from ${plural(decisions, 'decision')} in this workspace?`,
      {
        modal: true,
        detail: 'Your annotations stay. The linker goes back to the model\'s own ranker, names and prior; the saved state (.entity-links/.online-learning.json) is deleted. Decisions made from now on are learned afresh. This cannot be undone.',
      },
      forget,
    );
    if (picked !== forget) return undefined;
  }
  const forgotten = await learning.forget();
  if (ask) void vscode.window.setStatusBarMessage(`Entity Linker: forgot what was learned from ${plural(forgotten, 'decision')}.`, 6000);
  return forgotten;
}
