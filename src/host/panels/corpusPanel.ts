import * as vscode from 'vscode';
import { corpusReport } from '../../core/analysis/corpusReport';
import type { ViewData, WebviewRequest } from '../../shared/protocol';
import { workspaceAgreement } from './corpusAgreement';
import type { PanelContext } from './viewPanel';
import { ViewPanel } from './viewPanel';
import { panelOptions } from './webviewHtml';

export const CORPUS_VIEW_TYPE = 'entityLinker.corpus';

/** Milliseconds of quiet after a change before the report is computed again. */
const REFRESH_DELAY_MS = 600;

/**
 * The corpus view: the current model against every accepted/NIL label of the workspace. The report is
 * computed in core (src/core/analysis) once per change; a change while the panel is hidden only marks it stale,
 * so typing in an editor never pays for a 10,000-mention report nobody looks at, and hiding the panel while it
 * ranks stops the ranking (the link thread is the editor's too).
 */
export class CorpusPanel extends ViewPanel {
  private stale = false;
  /** Figures of the last load, for the log and the benchmark. */
  lastTimings: { mentions: number; linkMs: number; reportMs: number; messageBytes: number } | undefined;

  static create(context: PanelContext): CorpusPanel {
    const panel = vscode.window.createWebviewPanel(CORPUS_VIEW_TYPE, 'Entity Linker: Corpus', { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, panelOptions(context.extensionUri));
    return new CorpusPanel(panel, context);
  }

  constructor(panel: vscode.WebviewPanel, context: PanelContext) {
    super(panel, context, 'corpus', 'Entity Linker: Corpus');
    this.register(panel.onDidChangeViewState(() => {
      if (panel.visible) {
        if (this.stale) void this.refresh();
        return;
      }
      this.channel.reset();
      // Hidden mid-report: stop ranking (it holds the link thread the editor's candidates and picker wait on)
      // and report again when the view is shown.
      if (this.stopLoading()) this.stale = true;
    }));
  }

  /** Computes the report again and sends it; resolves when sent (or superseded by a newer refresh). */
  async refresh(): Promise<void> {
    this.stale = false;
    await this.reload();
  }

  protected async load(signal: AbortSignal): Promise<ViewData> {
    const backend = this.context.backend();
    if (backend === undefined) {
      return { view: 'empty', title: 'Document linking is not running', message: 'Open a document and let Entity Linker link it, then refresh this view.' };
    }
    // A change while the panel is hidden only marks it stale: nobody pays for a report nobody looks at.
    this.follow(backend, REFRESH_DELAY_MS, () => {
      if (this.panel.visible) void this.refresh();
      else this.stale = true;
    });
    this.channel.post({ type: 'busy', message: 'Ranking the labelled mentions with the current model…' });
    const t0 = performance.now();
    let lastProgress = 0;
    const labelled = await backend.labelledMentions(signal, (done, total) => {
      // At most a few progress messages a second, whatever the document count.
      const now = performance.now();
      if (now - lastProgress < 200 && done < total) return;
      lastProgress = now;
      this.channel.post({ type: 'busy', message: 'Ranking the labelled mentions with the current model…', done, total });
    });
    const t1 = performance.now();
    const agreement = await workspaceAgreement(this.context.logger);
    if (labelled.length === 0 && agreement === undefined) {
      return { view: 'empty', title: 'No labelled mentions yet', message: 'Accept or mark NIL some mentions (or import gold annotations); the corpus view measures the model against them.' };
    }
    const report = corpusReport(labelled, { signal });
    const data: ViewData = { view: 'corpus', data: agreement === undefined ? report : { ...report, agreement } };
    const messageBytes = JSON.stringify(data).length;
    this.lastTimings = { mentions: labelled.length, linkMs: t1 - t0, reportMs: report.computeMs, messageBytes };
    this.context.logger.info(`Corpus view: ${labelled.length} labelled mentions ranked in ${(t1 - t0).toFixed(0)} ms, report in ${report.computeMs.toFixed(1)} ms, ${(messageBytes / 1024).toFixed(0)} KiB to the webview.`);
    return data;
  }

  protected async handle(request: WebviewRequest): Promise<null> {
    const backend = this.context.backend();
    switch (request.method) {
      case 'reveal':
        if (backend === undefined) throw new Error('document linking is not running.');
        await backend.reveal(request.params.ref);
        return null;
      case 'openMention':
        await this.context.openMention(request.params.ref);
        return null;
      case 'refresh':
        await this.refresh();
        return null;
      case 'curate':
        void vscode.commands.executeCommand('entityLinker.curateDisagreements');
        return null;
      default:
        throw new Error(`the corpus view does not handle "${request.method}".`);
    }
  }
}
