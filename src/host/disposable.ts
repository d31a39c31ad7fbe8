import type * as vscode from 'vscode';
import { plural } from '../shared/plural';

/**
 * Owns disposables for one lifetime (the extension, or a loaded model session). Disposing the owner disposes
 * what it registered, newest first, so a later resource that depends on an earlier one goes first.
 */
export class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposed = false;

  /** Takes ownership of `disposable` and returns it, so construction and registration read as one step. */
  protected register<T extends vscode.Disposable>(disposable: T): T {
    if (this.disposed) {
      // A resource created after disposal would leak: release it at once.
      disposable.dispose();
    } else {
      this.owned.push(disposable);
    }
    return disposable;
  }

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    const errors: unknown[] = [];
    for (const disposable of this.owned.splice(0).reverse()) {
      try {
        disposable.dispose();
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length > 0) {
      throw new AggregateError(errors, `${plural(errors.length, 'disposable')} failed to dispose.`);
    }
  }
}
