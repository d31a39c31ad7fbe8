import * as vscode from 'vscode';
import { LinkerError } from '../core/errors';
import type { Logger } from '../core/log';

/**
 * Shows an error to the user once, with what to do next (a LinkerError's message carries its hint), and logs
 * it with its stack. A cancellation is not an error: it is only logged.
 */
export function reportError(logger: Logger, what: string, e: unknown, showLog: () => void): void {
  if (LinkerError.is(e, 'cancelled')) {
    logger.info(`${what}: cancelled.`);
    return;
  }
  const error = e instanceof Error ? e : new Error(String(e));
  logger.error(error);
  const action = 'Show Log';
  void vscode.window.showErrorMessage(`Entity Linker: ${what} failed. ${error.message}`, action).then((picked) => {
    if (picked === action) {
      showLog();
    }
  });
}
