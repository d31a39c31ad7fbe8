import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { TableSnapshot, ViewData, WebviewRequest } from '../../shared/protocol';
import { Disposable } from '../disposable';
import type { MentionBackend, MentionRef } from '../linking/mentionBackend';
import { PanelChannel } from './panelChannel';
import { panelOptions, webviewHtml } from './webviewHtml';

/** What a panel needs from the extension. */
export interface PanelContext {
  readonly extensionUri: vscode.Uri;
  /** The editor side, once document linking runs (undefined before). */
  readonly backend: () => MentionBackend | undefined;
  readonly logger: Logger;
  /** Opens the mention view for a mention (the corpus view's rows use it). */
  readonly openMention: (ref: MentionRef) => Promise<void>;
}

/**
 * What the mention view and the corpus view share: the webview channel, re-sending the last view when the
 * webview is rebuilt, loading with supersession (a newer load aborts the older), errors shown in the view,
 * following the backend's changes (debounced), the table request and disposal.
 */
export abstract class ViewPanel extends Disposable {
  readonly channel: PanelChannel;
  private last: ViewData | undefined;
  private loading: AbortController | undefined;
  private backendSubscription: { backend: MentionBackend; sub: vscode.Disposable } | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly disposedEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposedEmitter.event;

  protected constructor(readonly panel: vscode.WebviewPanel, protected readonly context: PanelContext, view: 'mention' | 'corpus', title: string) {
    super();
    panel.webview.options = panelOptions(context.extensionUri);
    this.channel = this.register(new PanelChannel(panel.webview, (r) => this.handle(r), context.logger));
    this.register(this.channel.onDidBecomeReady(() => this.last !== undefined && this.channel.post({ type: 'show', data: this.last })));
    this.register(panel.onDidDispose(() => this.dispose()));
    panel.webview.html = webviewHtml(panel.webview, context.extensionUri, view, title);
  }

  /** The view's data; `signal` fires when a newer load supersedes this one or the panel closes. */
  protected abstract load(signal: AbortSignal): Promise<ViewData>;

  /** Answers a request from the webview. */
  protected abstract handle(request: WebviewRequest): Promise<unknown>;

  /** Called with data about to be shown (e.g. to retitle the panel). */
  protected willShow(_data: ViewData): void {}

  /** Loads and sends the view; resolves when sent, or when a newer load superseded it. */
  protected async reload(): Promise<void> {
    this.loading?.abort();
    const controller = (this.loading = new AbortController());
    let data: ViewData;
    try {
      data = await this.load(controller.signal);
    } catch (e) {
      if (controller.signal.aborted) return;
      const message = e instanceof Error ? e.message : String(e);
      this.context.logger.error(e instanceof Error ? e : new Error(message));
      this.channel.post({ type: 'error', message });
      return;
    }
    if (controller.signal.aborted || this.isDisposed) return;
    this.loading = undefined;
    this.last = data;
    this.willShow(data);
    this.channel.post({ type: 'show', data });
  }

  /** Stops the load in flight, if any (its result is dropped); says whether one was running. */
  protected stopLoading(): boolean {
    const running = this.loading !== undefined && !this.loading.signal.aborted;
    this.loading?.abort();
    return running;
  }

  /** Runs `onQuiet` once the backend's changes pause for `delayMs` (one relabel can fire several). */
  protected follow(backend: MentionBackend, delayMs: number, onQuiet: () => void): void {
    if (this.backendSubscription?.backend === backend) return;
    this.backendSubscription?.sub.dispose();
    const sub = backend.onDidChange(() => {
      clearTimeout(this.refreshTimer);
      this.refreshTimer = setTimeout(onQuiet, delayMs);
    });
    this.backendSubscription = { backend, sub };
  }

  /** The table the webview shows, as it shows it. */
  table(): Promise<TableSnapshot> {
    return this.channel.request('table', {});
  }

  override dispose(): void {
    if (this.isDisposed) return;
    clearTimeout(this.refreshTimer);
    this.loading?.abort();
    this.backendSubscription?.sub.dispose();
    this.disposedEmitter.fire();
    super.dispose();
    this.panel.dispose();
  }
}
