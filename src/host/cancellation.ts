import type * as vscode from 'vscode';

/**
 * The one place a VS Code CancellationToken becomes the AbortSignal the core understands. The returned
 * disposable detaches the listener once the work is over.
 */
export function abortSignalFrom(token: vscode.CancellationToken): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  if (token.isCancellationRequested) {
    controller.abort();
    return { signal: controller.signal, dispose: () => undefined };
  }
  const listener = token.onCancellationRequested(() => controller.abort());
  return { signal: controller.signal, dispose: () => listener.dispose() };
}
