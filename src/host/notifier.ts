import * as vscode from 'vscode';

export type NotificationSeverity = 'info' | 'warning' | 'error';

/** A notification as shown: what the integration tests read through the test hooks. */
export interface ShownNotification {
  readonly severity: NotificationSeverity;
  readonly message: string;
  readonly actions: readonly string[];
}

const KEPT = 100;

/**
 * Shows the notifications of the linking session, the settings prompts and the training results, and keeps
 * the last ones (notifications cannot be read back through the VS Code API). Under the test harness a reply
 * can be queued for the next notification that offers it, so a test can take an action as a user would.
 */
export class Notifier {
  private readonly shown: ShownNotification[] = [];
  private readonly replies: string[] = [];

  show(severity: NotificationSeverity, message: string, ...actions: string[]): Thenable<string | undefined> {
    this.shown.push({ severity, message, actions });
    if (this.shown.length > KEPT) this.shown.shift();
    const shown = severity === 'error' ? vscode.window.showErrorMessage(message, ...actions) : severity === 'warning' ? vscode.window.showWarningMessage(message, ...actions) : vscode.window.showInformationMessage(message, ...actions);
    const reply = this.replies.findIndex((r) => actions.includes(r));
    if (reply < 0) return shown;
    return Promise.resolve(this.replies.splice(reply, 1)[0]);
  }

  /** The notifications shown so far, oldest first (at most the last 100). */
  get recent(): readonly ShownNotification[] {
    return [...this.shown];
  }

  /** Test hooks only: the next notification offering `action` is answered with it. */
  replyNext(action: string): void {
    this.replies.push(action);
  }
}
