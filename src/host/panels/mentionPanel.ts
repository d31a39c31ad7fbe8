import * as vscode from 'vscode';
import type { EntityRecordData } from '../../shared/panelModel';
import type { PanelState, ViewData, WebviewRequest } from '../../shared/protocol';
import type { MentionRef } from '../linking/mentionBackend';
import { mentionViewData } from './mentionViewData';
import { ViewPanel, type PanelContext } from './viewPanel';
import { panelOptions } from './webviewHtml';

export const MENTION_VIEW_TYPE = 'entityLinker.mention';

/**
 * The hard-negatives panel for one mention: its context, label, hardest negatives and the labelling actions.
 * One instance at a time (the manager reuses it); it re-reads the mention whenever the backend reports a
 * change, so a relabel made anywhere shows here.
 */
export class MentionPanel extends ViewPanel {
  private ref: MentionRef | undefined;

  static create(context: PanelContext, column = vscode.ViewColumn.Beside): MentionPanel {
    const panel = vscode.window.createWebviewPanel(MENTION_VIEW_TYPE, 'Mention', { viewColumn: column, preserveFocus: false }, panelOptions(context.extensionUri));
    return new MentionPanel(panel, context);
  }

  constructor(panel: vscode.WebviewPanel, context: PanelContext) {
    super(panel, context, 'mention', 'Mention');
    this.register(panel.onDidChangeViewState(() => !panel.visible && this.channel.reset()));
  }

  get current(): MentionRef | undefined {
    return this.ref;
  }

  /** Shows `ref` (or reloads the current mention) and resolves once the data was sent. */
  async show(ref?: MentionRef): Promise<void> {
    if (ref !== undefined) this.ref = ref;
    this.channel.post({ type: 'busy', message: 'Ranking the mention…' });
    await this.reload();
  }

  protected override willShow(data: ViewData): void {
    if (data.view === 'mention') this.panel.title = `Mention: ${data.data.text.slice(0, 40)}`;
  }

  protected async load(signal: AbortSignal): Promise<ViewData> {
    const backend = this.context.backend();
    if (backend === undefined) {
      return { view: 'empty', title: 'Document linking is not running', message: 'Open a document and let Entity Linker link it, then open the mention view again.' };
    }
    this.follow(backend, 150, () => void this.show());
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

  protected async handle(request: WebviewRequest): Promise<EntityRecordData | null> {
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
}
