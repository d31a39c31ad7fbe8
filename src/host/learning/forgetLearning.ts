import * as vscode from 'vscode';
import { forgetChoices } from './forgetChoices';
import type { OnlineLearning } from './onlineLearning';
import { plural } from '../../shared/plural';

/**
 * Entity Linker: Forget What Was Learned. From the palette it says how many decisions the linker adapted to and
 * asks first, in a list whose default row (what Enter takes) keeps what was learned; called with `{ ask: false }`
 * (tests, a script) it forgets at once. Returns the decisions forgotten, undefined when the annotator declined.
 */
export async function forgetLearning(learning: OnlineLearning, options: unknown): Promise<number | undefined> {
  const ask = !(typeof options === 'object' && options !== null && (options as { ask?: unknown }).ask === false);
  const decisions = await learning.learnedDecisions();
  if (ask) {
    if (decisions === 0) {
      void vscode.window.showInformationMessage('Entity Linker: the linker has learned nothing in this workspace yet.');
      return 0;
    }
    const confirm = forgetChoices(decisions);
    const picked = await vscode.window.showQuickPick(confirm.items, { title: confirm.title, placeHolder: confirm.placeholder });
    if (picked?.forget !== true) return undefined;
  }
  const forgotten = await learning.forget();
  if (ask) void vscode.window.setStatusBarMessage(`Entity Linker: forgot what was learned from ${plural(forgotten, 'decision')}.`, 6000);
  return forgotten;
}
