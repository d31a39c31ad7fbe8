import type * as vscode from 'vscode';
import type { Progress } from '../core/log';

/**
 * Turns the core's (stage, done, total) progress into VS Code's message + percentage increments. VS Code adds
 * up increments, so each stage restarts the bar from its own zero.
 */
export function progressReporter(progress: vscode.Progress<{ message?: string; increment?: number }>): (p: Progress) => void {
  let stage = '';
  let percent = 0;
  return (p) => {
    // "epoch 2/4: loss ..." lines change their text but are one stage: the part before ':' names the stage.
    const key = p.stage.replace(/:.*$/, '');
    if (key !== stage) {
      stage = key;
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
