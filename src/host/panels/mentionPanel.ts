import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { EntityRecordData } from '../../shared/panelModel';
import type { PanelState, TableSnapshot, ViewData, WebviewRequest } from '../../shared/protocol';
import { Disposable } from '../disposable';
import type { MentionBackend, MentionRef } from '../linking/mentionBackend';
import { PanelChannel } from './panelChannel';
import { mentionViewData } from './mentionViewData';
import { panelOptions, webviewHtml } from './webviewHtml';

export const MENTION_VIEW_TYPE = 'entityLinker.mention';

export interface PanelContext {
  readonly extensionUri: vscode.Uri;
  /** The editor side, once document linking runs (undefined before). */
  readonly backend: () => MentionBackend | undefined;
  readonly logger: Logger;
  /** Opens the mention view for a mention (the corpus view's rows use it). */
  readonly openMention: (ref: MentionRef) => Promise<void>;
}

/**
 * The hard-negatives panel for one mention: its context, label, hardest negatives and the labelling actions.
 * One instance at a time (the manager reuses it); it re-reads the mention whenever the backend reports a
 * change, so a relabel made anywhere shows here.
 */
export class MentionPanel extends Disposable {
  readonly channel: PanelChannel;
  private ref: MentionRef | undefined;
  private last: ViewData | undefined;
  private loading: AbortController | undefined;
  private backendSubscription: { backend: MentionBackend; sub: vscode.Disposable } | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly disposedEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposedEmitter.event;

  static create(context: PanelContext, column = vscode.ViewColumn.Beside): MentionPanel {
    const panel = vscode.window.createWebviewPanel(MENTION_VIEW_TYPE, 'Mention', { viewColumn: column, preserveFocus: false }, panelOptions(context.extensionUri));
    return new MentionPanel(panel, context);
  }

  constructor(readonly panel: vscode.WebviewPanel, private readonly context: PanelContext) {
    super();
    panel.webview.options = panelOptions(context.extensionUri);
    this.channel = this.register(new PanelChannel(panel.webview, (r) => this.handle(r), context.logger));
    this.register(this.channel.onDidBecomeReady(() => this.last !== undefined && this.channel.post({ type: 'show', data: this.last })));
    this.register(panel.onDidChangeViewState(() => !panel.visible && this.channel.reset()));
    this.register(panel.onDidDispose(() => this.dispose()));
    panel.webview.html = webviewHtml(panel.webview, context.extensionUri, 'mention', 'Mention');
  }

  get current(): MentionRef | undefined {
    return this.ref;
  }

  /** Shows `ref` (or reloads the current mention) and resolves once the data was sent. */
  async show(ref?: MentionRef): Promise<void> {
    if (ref !== undefined) this.ref = ref;
    this.loading?.abort();
    const controller = (this.loading = new AbortController());
    this.channel.post({ type: 'busy', message: 'Ranking the mention…' });
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
    this.last = data;
    if (data.view === 'mention') this.panel.title = `Mention: ${data.data.text.slice(0, 40)}`;
    this.channel.post({ type: 'show', data });
  }

  /** The table the webview shows (candidates with their columns). */
  table(): Promise<TableSnapshot> {
    return this.channel.request('table', {});
  }

  private async load(signal: AbortSignal): Promise<ViewData> {
    const backend = this.context.backend();
    if (backend === undefined) {
      return { view: 'empty', title: 'Document linking is not running', message: 'Open a document and let Entity Linker link it, then open the mention view again.' };
    }
    this.follow(backend);
    if (this.ref === undefined) {
      return { view: 'empty', title: 'No mention', message: 'Put the cursor on a linked mention and run "Entity Linker: Show Hard Negatives for Mention".' };
    }
    const details = await backend.details(this.ref, signal);
    if (details === undefined) {
      return { view: 'empty', title: 'The mention is gone', message: 'Its text was edited or its annotation removed. Open the view again from a mention.' };
    }
    this.ref = details.ref;
    const document = vscode.workspace.asRelativePath(vscode.Uri.parse(details.ref.uri));
    return { view: 'mention', data: await mentionViewData(details, backend, document) };
  }

  /** Refreshes on the backend's changes (debounced: one relabel can fire several). */
  private follow(backend: MentionBackend): void {
    if (this.backendSubscription?.backend === backend) return;
    this.backendSubscription?.sub.dispose();
    const sub = backend.onDidChange(() => {
      clearTimeout(this.refreshTimer);
      this.refreshTimer = setTimeout(() => void this.show(), 150);
    });
    this.backendSubscription = { backend, sub };
  }

  private async handle(request: WebviewRequest): Promise<EntityRecordData | null> {
    const backend = this.context.backend();
    if (backend === undefined) throw new Error('document linking is not running.');
    switch (request.method) {
      case 'entity': {
        const e = await backend.entity(request.params.id);
        return e === undefined ? null : { id: e.id, title: e.title, text: e.text, aliases: [...e.aliases], ...(e.type === undefined ? {} : { type: e.type }), ...(e.source === undefined ? {} : { source: e.source }) };
      }
      case 'relabel':
        await backend.relabel(request.params.ref, request.params.kbId);
        break;
      case 'markNil':
        await backend.markNil(request.params.ref);
        break;
      case 'declareDuplicate':
        await backend.declareDuplicate(request.params.ref, request.params.entityId);
        break;
      case 'reveal':
        await backend.reveal(request.params.ref);
        return null;
      case 'openMention':
        await this.context.openMention(request.params.ref);
        return null;
      case 'refresh':
        break;
    }
    // Show the result at once rather than waiting for the backend's change event.
    await this.show();
    return null;
  }

  /** What the serializer needs to bring this view back after a reload. */
  static restoreRef(state: unknown, isPanelState: (v: unknown) => v is PanelState): MentionRef | undefined {
    return isPanelState(state) && state.view === 'mention' ? state.ref : undefined;
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
