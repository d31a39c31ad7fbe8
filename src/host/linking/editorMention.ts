import type { AnnotationRecord, AnnotationStatus } from '../../core/annotations/annotationRecord';
import { isAnchored } from '../../core/annotations/annotationRecord';
import type { LinkedMention } from '../../core/linker/types';

/**
 * What the editor shows at a span: a stored annotation (the annotator's decision wins) or, where there is
 * none, the linker's prediction. No vscode here: decorations, hovers, code actions and the tree adapt it.
 */
export type MentionStatus = 'predicted' | AnnotationStatus;

/** How a mention is drawn; one decoration style each. */
export type MentionStyle = 'predictedHigh' | 'predictedMedium' | 'predictedLow' | 'ambiguous' | 'accepted' | 'rejected' | 'nil' | 'review';

export interface EditorMention {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly status: MentionStatus;
  readonly style: MentionStyle;
  /** The linked entity: the stored kbId, else the prediction's top candidate (undefined for NIL). */
  readonly kbId?: string;
  readonly title?: string;
  /** Top candidate's probability (predictions and suggestions). */
  readonly confidence?: number;
  readonly annotation?: AnnotationRecord;
  /** The current model's ranking of this span, when the linker produced one. */
  readonly linked?: LinkedMention;
  /** False for a stored record that could not be placed in the current text (it needs review). */
  readonly anchored: boolean;
}

export interface MergeOptions {
  /** Top-two score difference below which a prediction is drawn as ambiguous. */
  readonly ambiguousMargin: number;
}

/** Stored records first, then predictions that overlap no anchored record; sorted by span. */
export function mergeMentions(text: string, records: readonly AnnotationRecord[], predictions: readonly LinkedMention[], options: MergeOptions): EditorMention[] {
  const out: EditorMention[] = [];
  const taken: [number, number][] = [];
  const predictionAt = new Map(predictions.map((p) => [`${p.start}:${p.end}`, p]));
  for (const r of records) {
    const anchored = isAnchored(r, text);
    const linked = predictionAt.get(`${r.start}:${r.end}`);
    if (anchored) taken.push([r.start, r.end]);
    out.push(fromRecord(r, anchored, linked, options));
  }
  taken.sort((a, b) => a[0] - b[0]);
  for (const p of predictions) {
    if (overlapsAny(taken, p.start, p.end)) continue;
    out.push(fromPrediction(p, options));
  }
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}

function fromRecord(r: AnnotationRecord, anchored: boolean, linked: LinkedMention | undefined, options: MergeOptions): EditorMention {
  const base = { start: r.start, end: r.end, text: r.text, status: r.status, annotation: r, anchored, ...(linked === undefined ? {} : { linked }) };
  switch (r.status) {
    case 'accepted':
      return { ...base, style: 'accepted', ...(r.kbId === null ? {} : { kbId: r.kbId }), ...(r.title === undefined ? {} : { title: r.title }) };
    case 'rejected':
      return { ...base, style: 'rejected' };
    case 'nil':
      return { ...base, style: 'nil' };
    case 'needsReview':
      return { ...base, style: 'review', ...(r.kbId === null ? {} : { kbId: r.kbId }), ...(r.title === undefined ? {} : { title: r.title }) };
    case 'suggested': {
      const top = r.candidates[0];
      const confidence = linked?.candidates[0]?.probability;
      const margin = r.candidates.length > 1 ? r.candidates[0].score - r.candidates[1].score : Infinity;
      return { ...base, style: predictedStyle(confidence ?? 1, margin, options), ...(top === undefined ? {} : { kbId: top.id, title: top.title }), ...(confidence === undefined ? {} : { confidence }) };
    }
  }
}

function fromPrediction(p: LinkedMention, options: MergeOptions): EditorMention {
  const top = p.candidates[0];
  const confidence = top?.probability ?? 0;
  return {
    start: p.start,
    end: p.end,
    text: p.text,
    status: 'predicted',
    style: predictedStyle(p.nil ? 0 : confidence, p.margin, options),
    ...(top === undefined || p.nil ? {} : { kbId: top.id, title: top.title }),
    confidence,
    linked: p,
    anchored: true,
  };
}

/** Confidence buckets: shading that a glance can tell apart (three levels, not a continuous ramp). */
export function predictedStyle(confidence: number, margin: number, options: MergeOptions): MentionStyle {
  if (margin < options.ambiguousMargin) return 'ambiguous';
  if (confidence >= 0.8) return 'predictedHigh';
  if (confidence >= 0.5) return 'predictedMedium';
  return 'predictedLow';
}

/** A suggestion nobody decided yet, where its text is (what Accept / Reject Remaining decide). */
export function isOpenSuggestion(m: EditorMention): boolean {
  return m.anchored && (m.status === 'predicted' || m.status === 'suggested');
}

/** Whether a mention still waits for a decision (next/previous unresolved). */
export function isUnresolved(m: EditorMention): boolean {
  return m.status === 'predicted' || m.status === 'suggested' || m.status === 'needsReview';
}

function overlapsAny(sorted: readonly [number, number][], start: number, end: number): boolean {
  for (const [a, b] of sorted) {
    if (a >= end) return false;
    if (b > start) return true;
  }
  return false;
}

/** Moves predictions through a batch of edits (offsets in the text before the batch); touched ones are dropped. */
export function shiftPredictions(mentions: readonly LinkedMention[], changes: readonly { readonly rangeOffset: number; readonly rangeLength: number; readonly text: string }[]): LinkedMention[] {
  const sorted = [...changes].sort((a, b) => b.rangeOffset - a.rangeOffset);
  let out = [...mentions];
  for (const c of sorted) {
    const from = c.rangeOffset;
    const to = c.rangeOffset + c.rangeLength;
    const delta = c.text.length - c.rangeLength;
    out = out.flatMap((m) => {
      if (m.end <= from && !(m.end === from && c.rangeLength === 0 && /^\w/.test(c.text))) return [m];
      if (m.start >= to && !(m.start === to && /\w$/.test(c.text))) return [{ ...m, start: m.start + delta, end: m.end + delta }];
      return [];
    });
  }
  return out;
}
