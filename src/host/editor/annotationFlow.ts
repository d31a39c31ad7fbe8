import type { AnnotationRecord } from '../../core/annotations/annotationRecord';
import { type EditorMention, isUnresolved } from '../linking/editorMention';

/**
 * The pure part of the annotator's keyboard flow (no vscode): which mention comes next after a decision, the
 * sentence a reveal keeps in view, and what an undo or redo changed, in words.
 */

/** A span with the fields the flow needs (EditorMention has them). */
export interface FlowMention {
  readonly start: number;
  readonly end: number;
  /** The top candidate's probability (predictions). */
  readonly confidence?: number;
}

/** The order Next and auto-advance visit open mentions in (entityLinker.annotation.advanceOrder). */
export type AdvanceOrder = 'document' | 'uncertainty';

const same = (a: FlowMention, b: FlowMention): boolean => a.start === b.start && a.end === b.end;

/** Least certain first (no confidence counts as 0), ties in document order. */
function byUncertainty<M extends FlowMention>(open: readonly M[]): M[] {
  return [...open].sort((a, b) => (a.confidence ?? 0) - (b.confidence ?? 0) || a.start - b.start);
}

/**
 * The next unresolved mention after a decision on [start, end). In document order: the first one starting at or
 * after its end, else (wrapping round, like "next problem") the first one in the document. By uncertainty: the
 * least certain open one. `open` is sorted by span and may still hold the decided mention (its new status may
 * not have arrived yet); it is skipped.
 */
export function nextAfterDecision<M extends FlowMention>(open: readonly M[], decided: FlowMention, order: AdvanceOrder = 'document'): M | undefined {
  const others = open.filter((m) => !same(m, decided));
  if (order === 'uncertainty') return byUncertainty(others)[0];
  return others.find((m) => m.start >= decided.end) ?? others[0];
}

/** The mention to reveal on arriving at a document: its first open one, or by uncertainty its least certain. */
export function firstToVisit<M extends FlowMention>(open: readonly M[], order: AdvanceOrder = 'document'): M | undefined {
  return order === 'uncertainty' ? byUncertainty(open)[0] : [...open].sort((a, b) => a.start - b.start)[0];
}

/**
 * Next Unresolved by uncertainty: from an open mention at the cursor, the one after it in least-certain-first
 * order (wrapping round); from anywhere else, the least certain of all.
 */
export function nextByUncertainty<M extends FlowMention>(open: readonly M[], atCursor: FlowMention | undefined): M | undefined {
  const ordered = byUncertainty(open);
  const at = atCursor === undefined ? -1 : ordered.findIndex((m) => same(m, atCursor));
  return at < 0 ? ordered[0] : ordered[(at + 1) % ordered.length];
}

/**
 * The sentence around [start, end): back to the end of the previous sentence or a blank line, forward to the
 * next sentence end or blank line, each side at most `maxChars` away (a wall of text with no full stop stays a
 * sensible size to reveal).
 */
export function sentenceAround(text: string, start: number, end: number, maxChars = 400): { start: number; end: number } {
  const floor = Math.max(0, start - maxChars);
  let from = start;
  while (from > floor) {
    const c = text[from - 1];
    if (c === '\n' && text[from - 2] === '\n') break;
    if ((c === ' ' || c === '\n') && /[.!?]/.test(text[from - 2] ?? '')) break;
    from--;
  }
  const ceiling = Math.min(text.length, end + maxChars);
  let to = end;
  while (to < ceiling) {
    const c = text[to];
    if (c === '\n' && text[to + 1] === '\n') break;
    to++;
    if (/[.!?]/.test(c) && (to >= text.length || /\s/.test(text[to]))) break;
  }
  return { start: from, end: to };
}

const STATE_WORDS: Record<AnnotationRecord['status'], string> = {
  accepted: 'accepted',
  nil: 'NIL',
  rejected: 'rejected',
  suggested: 'suggested',
  needsReview: 'needs review',
};

function stateOf(r: AnnotationRecord | undefined): string {
  if (r === undefined) return 'undecided';
  const word = STATE_WORDS[r.status];
  return r.status === 'accepted' || r.status === 'needsReview' ? `${word} ${r.title ?? r.kbId ?? ''}`.trim() : word;
}

/** One record an undo or redo changed: where it is now (or was, when removed) and the change in words. */
export interface UndoneChange {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** E.g. `"Apple": accepted Apple Inc. → undecided`. */
  readonly description: string;
  /** How many records the step changed (a batch accept changes many). */
  readonly count: number;
}

/**
 * What changed between two snapshots of a document's records (before and after an undo or redo): the first
 * changed record in document order, described, and how many changed. Undefined when nothing changed.
 */
export function describeUndo(before: readonly AnnotationRecord[], after: readonly AnnotationRecord[]): UndoneChange | undefined {
  const old = new Map(before.map((r) => [r.id, r]));
  const now = new Map(after.map((r) => [r.id, r]));
  const changed: { was: AnnotationRecord | undefined; is: AnnotationRecord | undefined }[] = [];
  for (const id of new Set([...old.keys(), ...now.keys()])) {
    const was = old.get(id);
    const is = now.get(id);
    if (was === is) continue;
    if (was !== undefined && is !== undefined && was.status === is.status && was.kbId === is.kbId && was.start === is.start && was.end === is.end && sameIds(was.alternativeIds, is.alternativeIds) && sameIds(was.duplicateIds, is.duplicateIds)) continue;
    changed.push({ was, is });
  }
  if (changed.length === 0) return undefined;
  changed.sort((a, b) => ((a.is ?? a.was)?.start ?? 0) - ((b.is ?? b.was)?.start ?? 0));
  const first = changed[0];
  const where = (first.is ?? first.was) as AnnotationRecord;
  const more = changed.length > 1 ? ` (and ${changed.length - 1} more)` : '';
  const what = first.was !== undefined && first.is !== undefined && stateOf(first.was) === stateOf(first.is) ? `duplicates of the label ${(first.was.duplicateIds ?? []).length} → ${(first.is.duplicateIds ?? []).length}` : `${stateOf(first.was)} → ${stateOf(first.is)}`;
  return { start: where.start, end: where.end, text: where.text, count: changed.length, description: `"${where.text}": ${what}${more}` };
}

function sameIds(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return (a ?? []).join('\u0000') === (b ?? []).join('\u0000');
}

/** Resolved / total of a document's anchored mentions (the status bar's count). */
export function resolvedCount(mentions: readonly EditorMention[]): { resolved: number; total: number } {
  const anchored = mentions.filter((m) => m.anchored);
  const open = anchored.filter(isUnresolved).length;
  return { resolved: anchored.length - open, total: anchored.length };
}
