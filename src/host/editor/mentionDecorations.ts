import * as vscode from 'vscode';
import type { MentionStyle } from '../linking/editorMention';
import type { MentionService } from '../linking/mentionService';
import { Disposable } from '../disposable';

const color = (id: string): vscode.ThemeColor => new vscode.ThemeColor(`entityLinker.${id}`);

/** One decoration type per style, created once; colours come from contributes.colors so themes can restyle them. */
function decorationTypes(): Record<MentionStyle, vscode.TextEditorDecorationType> {
  const ruler = vscode.OverviewRulerLane.Right;
  return {
    predictedHigh: vscode.window.createTextEditorDecorationType({ backgroundColor: color('predictedHighBackground'), borderRadius: '2px', overviewRulerColor: color('predictedRuler'), overviewRulerLane: ruler }),
    predictedMedium: vscode.window.createTextEditorDecorationType({ backgroundColor: color('predictedMediumBackground'), borderRadius: '2px', overviewRulerColor: color('predictedRuler'), overviewRulerLane: ruler }),
    predictedLow: vscode.window.createTextEditorDecorationType({ backgroundColor: color('predictedLowBackground'), borderRadius: '2px', overviewRulerColor: color('predictedRuler'), overviewRulerLane: ruler }),
    ambiguous: vscode.window.createTextEditorDecorationType({ backgroundColor: color('predictedLowBackground'), border: '1px dashed', borderColor: color('ambiguousBorder'), borderRadius: '2px', overviewRulerColor: color('ambiguousBorder'), overviewRulerLane: ruler }),
    accepted: vscode.window.createTextEditorDecorationType({ backgroundColor: color('acceptedBackground'), borderWidth: '0 0 2px 0', borderStyle: 'solid', borderColor: color('acceptedBorder'), overviewRulerColor: color('acceptedBorder'), overviewRulerLane: vscode.OverviewRulerLane.Center }),
    rejected: vscode.window.createTextEditorDecorationType({ textDecoration: 'line-through', color: color('rejectedForeground'), overviewRulerColor: color('rejectedForeground'), overviewRulerLane: vscode.OverviewRulerLane.Left }),
    nil: vscode.window.createTextEditorDecorationType({ backgroundColor: color('nilBackground'), borderWidth: '0 0 2px 0', borderStyle: 'dotted', borderColor: color('nilBorder'), overviewRulerColor: color('nilBorder'), overviewRulerLane: vscode.OverviewRulerLane.Left }),
    review: vscode.window.createTextEditorDecorationType({ border: '1px solid', borderColor: color('reviewBorder'), overviewRulerColor: color('reviewBorder'), overviewRulerLane: vscode.OverviewRulerLane.Full }),
  };
}

/** A decorated range, as tests read it (decorations themselves cannot be read through the API). */
export interface DecoratedRange {
  readonly style: MentionStyle;
  readonly start: number;
  readonly end: number;
}

/**
 * Draws the mentions of every visible editor. Updates are coalesced per animation-frame-sized tick, so a
 * burst of changes (typing, a linker result, an action) redraws once.
 */
export class MentionDecorations extends Disposable {
  private readonly types = decorationTypes();
  private readonly applied = new Map<string, DecoratedRange[]>();
  private pending: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly mentions: MentionService) {
    super();
    for (const type of Object.values(this.types)) this.register(type);
    this.register(mentions.onDidChangeDocument(() => this.refreshSoon()));
    this.register(vscode.window.onDidChangeVisibleTextEditors(() => this.refreshSoon()));
    this.register({ dispose: () => this.pending !== undefined && clearTimeout(this.pending) });
  }

  /** What was last drawn in the document's editors (test API). */
  rangesOf(uri: vscode.Uri): readonly DecoratedRange[] {
    return this.applied.get(uri.toString()) ?? [];
  }

  refreshSoon(): void {
    if (this.pending !== undefined) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.refresh();
    }, 16);
  }

  refresh(): void {
    const seen = new Set<string>();
    for (const editor of vscode.window.visibleTextEditors) {
      const document = editor.document;
      const list = this.mentions.linking.isTracked(document.uri) || this.mentions.annotations.get(document.uri) !== undefined ? this.mentions.mentionsOf(document) : [];
      const byStyle = new Map<MentionStyle, vscode.Range[]>();
      const drawn: DecoratedRange[] = [];
      for (const m of list) {
        if (!m.anchored) continue;
        const ranges = byStyle.get(m.style) ?? [];
        ranges.push(new vscode.Range(document.positionAt(m.start), document.positionAt(m.end)));
        byStyle.set(m.style, ranges);
        drawn.push({ style: m.style, start: m.start, end: m.end });
      }
      for (const [style, type] of Object.entries(this.types) as [MentionStyle, vscode.TextEditorDecorationType][]) {
        editor.setDecorations(type, byStyle.get(style) ?? []);
      }
      this.applied.set(document.uri.toString(), drawn);
      seen.add(document.uri.toString());
    }
    for (const key of [...this.applied.keys()]) if (!seen.has(key)) this.applied.delete(key);
  }
}

