import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TextEncoder } from '../core/encoder/encoder';
import { loadEncoder } from '../core/encoder/loadEncoder';
import { ensureUseLiteModel } from '../core/encoder/useLite/useLiteModel';
import { LinkerError, throwIfAborted } from '../core/errors';
import type { Logger } from '../core/log';
import { abortSignalFrom } from './cancellation';
import type { ModelSettings } from './config';
import { Disposable } from './disposable';
import { progressReporter } from './progressReporter';

/**
 * Owns the text encoder for the extension's lifetime: loaded lazily on first use under a cancellable progress
 * notification, at most once (callers that arrive while it loads share that load), and shown in the status bar
 * once ready. A model setting change drops it, so the next use loads the new one.
 */
export class EncoderService extends Disposable {
  private loading: Promise<TextEncoder> | undefined;
  private loaded: TextEncoder | undefined;
  /** Bumped by unload/dispose, so a load that finishes after them releases its encoder instead of keeping it. */
  private generation = 0;
  private readonly statusItem: vscode.StatusBarItem;

  constructor(
    private readonly readModelSettings: () => ModelSettings,
    private readonly logger: Logger,
    showLogCommand: string,
  ) {
    super();
    this.statusItem = this.register(vscode.window.createStatusBarItem('entityLinker.encoder', vscode.StatusBarAlignment.Right, 100));
    this.statusItem.name = 'Entity Linker Encoder';
    this.statusItem.command = showLogCommand;
  }

  /** The encoder, loading it first if needed. Rejects with a `cancelled` LinkerError when the user cancels. */
  get(): Promise<TextEncoder> {
    if (this.isDisposed) {
      return Promise.reject(new LinkerError('cancelled', 'Entity Linker is shutting down.'));
    }
    if (this.loading === undefined) {
      const attempt = this.load();
      this.loading = attempt;
      // A failed or cancelled load is not cached: the next use tries again (e.g. after the user fixes a path).
      attempt.catch(() => {
        if (this.loading === attempt) {
          this.loading = undefined;
        }
      });
    }
    return this.loading;
  }

  get isLoaded(): boolean {
    return this.loaded !== undefined;
  }

  /** Drops the current encoder; the next `get()` loads again with the current settings. */
  async unload(): Promise<void> {
    const pending = this.loading;
    this.generation++;
    this.loading = undefined;
    this.loaded = undefined;
    this.statusItem.hide();
    if (pending !== undefined) {
      const encoder = await pending.catch(() => undefined);
      await encoder?.dispose();
    }
  }

  override dispose(): void {
    const encoder = this.loaded;
    this.generation++;
    this.loaded = undefined;
    this.loading = undefined;
    super.dispose();
    if (encoder !== undefined) {
      // Releasing the native session cannot be awaited from a synchronous dispose; a failure is only logged.
      encoder.dispose().catch((e: unknown) => this.logger.warn(`Releasing the encoder failed: ${(e as Error).message}`));
    }
  }

  private async load(): Promise<TextEncoder> {
    const settings = this.readModelSettings();
    const generation = this.generation;
    const started = Date.now();
    this.logger.info(`Loading the encoder from ${settings.dir} (provider: ${settings.provider}).`);
    const encoder = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Entity Linker: loading the encoder', cancellable: true },
      async (progress, token) => {
        const abort = abortSignalFrom(token);
        try {
          if (settings.isBundled) {
            const reporter = progressReporter(progress);
            await ensureUseLiteModel(settings.dir, { logger: this.logger, onProgress: reporter });
            throwIfAborted(abort.signal);
          }
          progress.report({ message: `starting ONNX Runtime (${settings.provider})` });
          return await loadEncoder(settings.dir, { provider: settings.provider, logger: this.logger, signal: abort.signal });
        } finally {
          abort.dispose();
        }
      },
    );
    if (generation !== this.generation) {
      await encoder.dispose();
      throw new LinkerError('cancelled', 'The encoder was unloaded (settings changed or the extension shut down) while it was loading.');
    }
    this.loaded = encoder;
    this.logger.info(`Encoder ${encoder.modelId.slice(0, 12)} (${encoder.dims}-d) ready on '${encoder.provider}' in ${Date.now() - started} ms.`);
    this.showStatus(settings, encoder);
    return encoder;
  }

  private showStatus(settings: ModelSettings, encoder: TextEncoder): void {
    const name = path.basename(settings.dir);
    this.statusItem.text = `$(symbol-misc) ${name} · ${encoder.provider}`;
    this.statusItem.tooltip = new vscode.MarkdownString(
      [`**Entity Linker encoder**`, '', `- folder: \`${settings.dir}\``, `- execution provider: ${encoder.provider}`, `- dimensions: ${encoder.dims}`, `- model id: \`${encoder.modelId.slice(0, 16)}\``, '', 'Click to show the log.'].join('\n'),
    );
    this.statusItem.show();
  }
}

