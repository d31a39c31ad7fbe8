import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import { isMentionRef, isPanelState, type TableSnapshot } from '../../shared/protocol';
import { Disposable } from '../disposable';
import type { MentionBackend, MentionRef } from '../linking/mentionBackend';
import { CORPUS_VIEW_TYPE, CorpusPanel } from './corpusPanel';
import { MENTION_VIEW_TYPE, MentionPanel } from './mentionPanel';
import type { PanelContext } from './viewPanel';

/**
 * Owns the two panels (one instance of each) and brings them back after a reload through
 * WebviewPanelSerializers: the webview's saved state names the mention (or the corpus view) and the panel
 * loads it again from the backend.
 */
export class PanelManager extends Disposable {
  private mention: MentionPanel | undefined;
  private corpus: CorpusPanel | undefined;
  private readonly context: PanelContext;

  constructor(extensionUri: vscode.Uri, backend: () => MentionBackend | undefined, logger: Logger) {
    super();
    this.context = { extensionUri, backend, logger, openMention: async (ref) => {
      await this.showMention(ref);
    } };
    this.register(vscode.window.registerWebviewPanelSerializer(MENTION_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => {
        this.adoptMention(new MentionPanel(panel, this.context));
        await this.mention?.show(MentionPanel.restoreRef(state, isPanelState));
      },
    }));
    this.register(vscode.window.registerWebviewPanelSerializer(CORPUS_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => {
        this.adoptCorpus(new CorpusPanel(panel, this.context));
        await this.corpus?.refresh();
      },
    }));
  }

  /**
   * The mention view for `target`: a MentionRef (hover, code action, tree view), a URI and offset, or nothing
   * (the mention at the active editor's cursor).
   */
  async showMention(target?: unknown, offset?: unknown): Promise<MentionPanel | undefined> {
    const ref = await this.resolveTarget(target, offset);
    if (ref === null) return undefined;
    if (this.mention === undefined) this.adoptMention(MentionPanel.create(this.context));
    else this.mention.panel.reveal(undefined, false);
    await this.mention?.show(ref);
    return this.mention;
  }

  async showCorpus(): Promise<CorpusPanel | undefined> {
    if (this.corpus === undefined) this.adoptCorpus(CorpusPanel.create(this.context));
    else this.corpus.panel.reveal(undefined, false);
    await this.corpus?.refresh();
    return this.corpus;
  }

  /** The table of the active panel as TSV on the clipboard; returns it. */
  async copyTable(): Promise<TableSnapshot | undefined> {
    const panel = this.corpus?.panel.active === true ? this.corpus : this.mention?.panel.active === true ? this.mention : (this.mention ?? this.corpus);
    if (panel === undefined) {
      void vscode.window.showInformationMessage('Entity Linker: open the mention view or the corpus view first.');
      return undefined;
    }
    const table = await panel.table();
    const tsv = [table.columns, ...table.rows].map((r) => r.map((c) => c.replace(/[\t\n\r]+/g, ' ')).join('\t')).join('\n');
    await vscode.env.clipboard.writeText(tsv);
    return table;
  }

  get mentionPanel(): MentionPanel | undefined {
    return this.mention;
  }

  get corpusPanel(): CorpusPanel | undefined {
    return this.corpus;
  }

  /** null: nothing to show (the user was told why). */
  private async resolveTarget(target: unknown, offset: unknown): Promise<MentionRef | undefined | null> {
    if (isMentionRef(target)) return target;
    const backend = this.context.backend();
    let uri: vscode.Uri | undefined;
    let at: number | undefined;
    if (target instanceof vscode.Uri && typeof offset === 'number') {
      uri = target;
      at = offset;
    } else {
      const editor = vscode.window.activeTextEditor;
      if (editor !== undefined) {
        uri = editor.document.uri;
        at = editor.document.offsetAt(editor.selection.active);
      }
    }
    if (uri === undefined || at === undefined) {
      // Reopening the view shows the last mention again.
      if (this.mention?.current !== undefined) return this.mention.current;
      void vscode.window.showInformationMessage('Entity Linker: put the cursor on a mention in an editor first.');
      return null;
    }
    if (backend === undefined) return undefined;
    const details = await backend.mentionAt(uri, at);
    if (details === undefined) {
      void vscode.window.showInformationMessage('Entity Linker: there is no linked mention at the cursor.');
      return null;
    }
    return details.ref;
  }

  private adoptMention(panel: MentionPanel): void {
    this.mention?.dispose();
    this.mention = panel;
    panel.onDidDispose(() => {
      if (this.mention === panel) this.mention = undefined;
    });
  }

  private adoptCorpus(panel: CorpusPanel): void {
    this.corpus?.dispose();
    this.corpus = panel;
    panel.onDidDispose(() => {
      if (this.corpus === panel) this.corpus = undefined;
    });
  }

  override dispose(): void {
    this.mention?.dispose();
    this.corpus?.dispose();
    super.dispose();
  }
}

