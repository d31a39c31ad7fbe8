import * as vscode from 'vscode';
import type { MentionStyle } from '../linking/editorMention';
import type { MentionService } from '../linking/mentionService';
import { Disposable } from '../disposable';

const color = (id: string): vscode.ThemeColor => new vscode.ThemeColor(`entityLinker.${id}`);

/**
 * A small raised cue after an uncertain prediction (its confidence): text, so it reads without colour. VS Code
 * has no font-size option for attachments; the style string is appended to its CSS, as other extensions do.
 * Word wrap does not measure attachments, so only the predictions that need a look carry one; every other
 * state is told apart by its shape alone.
 */
function cue(colourId: string): vscode.ThemableDecorationAttachmentRenderOptions {
  return { color: color(colourId), margin: '0 0 0 1px', textDecoration: 'none; font-size: 0.72em; vertical-align: super; font-weight: 600' };
}

/**
 * One decoration type per style, created once. Each state has its own shape, so states differ without colour
 * (and never look like VS Code's own selection or word highlights, which are plain fills): a pending
 * prediction is a box (solid, dashed or dotted border for high, medium, low confidence; the confidence after
 * an uncertain one), an ambiguous one an amber box with a heavier base and a "?" cue, accepted a solid
 * underline, NIL a heavy dotted underline, rejected struck through and dimmed, needs-review a wavy underline.
 * Each state also has its own overview-ruler lane and colour. Colours come from contributes.colors so themes can restyle them.
 */
function decorationTypes(): Record<MentionStyle, vscode.TextEditorDecorationType> {
  const create = vscode.window.createTextEditorDecorationType;
  const box = (borderStyle: string, borderId: string, backgroundId: string): vscode.DecorationRenderOptions => ({
    backgroundColor: color(backgroundId),
    border: `1px ${borderStyle}`,
    borderColor: color(borderId),
    borderRadius: '3px',
    overviewRulerColor: color(borderId),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
    after: cue(borderId),
  });
  return {
    predictedHigh: create(box('solid', 'predictedBorder', 'predictedBackground')),
    predictedMedium: create(box('dashed', 'predictedBorder', 'predictedBackground')),
    predictedLow: create(box('dotted', 'predictedBorder', 'predictedBackground')),
    ambiguous: create({ ...box('dashed', 'ambiguousBorder', 'ambiguousBackground'), borderWidth: '1px 1px 2px 1px' }),
    accepted: create({ backgroundColor: color('acceptedBackground'), borderWidth: '0 0 2px 0', borderStyle: 'solid', borderColor: color('acceptedBorder'), overviewRulerColor: color('acceptedBorder'), overviewRulerLane: vscode.OverviewRulerLane.Center }),
    rejected: create({ textDecoration: 'line-through', opacity: '0.75', color: color('rejectedForeground'), overviewRulerColor: color('rejectedForeground'), overviewRulerLane: vscode.OverviewRulerLane.Left }),
    nil: create({ backgroundColor: color('nilBackground'), borderWidth: '0 0 3px 0', borderStyle: 'dotted', borderColor: color('nilBorder'), overviewRulerColor: color('nilBorder'), overviewRulerLane: vscode.OverviewRulerLane.Left }),
    review: create({ textDecoration: 'underline wavy', backgroundColor: color('reviewBackground'), overviewRulerColor: color('reviewBorder'), overviewRulerLane: vscode.OverviewRulerLane.Full }),
  };
}

/**
 * The cue text after an uncertain prediction: its confidence in per cent ("?" first when it is ambiguous). A
 * confident one (solid box) has none: it needs no second look, and cues cost width word wrap does not see.
 */
export function confidenceCue(style: MentionStyle, confidence: number | undefined): string | undefined {
  if (confidence === undefined || !(style === 'predictedMedium' || style === 'predictedLow' || style === 'ambiguous')) return undefined;
  return `${style === 'ambiguous' ? '?' : ''}${Math.round(confidence * 100)}`;
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
      const byStyle = new Map<MentionStyle, vscode.DecorationOptions[]>();
      const drawn: DecoratedRange[] = [];
      for (const m of list) {
        if (!m.anchored) continue;
        const ranges = byStyle.get(m.style) ?? [];
        const range = new vscode.Range(document.positionAt(m.start), document.positionAt(m.end));
        const text = confidenceCue(m.style, m.confidence);
        ranges.push(text === undefined ? { range } : { range, renderOptions: { after: { contentText: text } } });
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

