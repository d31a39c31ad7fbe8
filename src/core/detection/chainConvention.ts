import type { AnnotatorDecision } from '../learning/decision';
import { tokenize } from '../linker/tokens';

/** An annotated span: where it is and the entity it was linked to. */
export interface AnnotatedSpan {
  readonly start: number;
  readonly end: number;
  readonly entityId: string;
}

const capitalised = /^\p{Lu}/u;

/** True for a form "A, B" whose parts around a comma start with capitals ("Springfield, Illinois"). */
export function isPlaceChain(form: string): boolean {
  const tokens = tokenize(form);
  const name = (i: number): boolean => tokens[i] !== undefined && tokens[i].word && capitalised.test(tokens[i].surface);
  return name(0) && tokens.some((t, i) => t.surface === ',' && name(i - 1) && name(i + 1));
}

/**
 * How an annotated document treats place chains "A, B", as annotator decisions for an AnnotatorMemory (whose
 * votes LearnedDetection.wholeCommaChains reads): a chain annotated as one span is a chain linked whole
 * (accept); two capitalised spans separated only by a comma ("Paris" ", " "France") are a chain annotated as
 * its parts (a rejection of the whole). Lets gold documents teach the convention that the editor learns from
 * an annotator's links and rejections.
 */
export function chainDecisions(text: string, spans: readonly AnnotatedSpan[]): Pick<AnnotatorDecision, 'action' | 'entityId' | 'text'>[] {
  const out: Pick<AnnotatorDecision, 'action' | 'entityId' | 'text'>[] = [];
  const sorted = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  sorted.forEach((s, i) => {
    const form = text.slice(s.start, s.end);
    if (isPlaceChain(form)) out.push({ action: 'add', entityId: s.entityId, text: form });
    const next = sorted[i + 1];
    if (next === undefined || !/^\s*,\s*$/.test(text.slice(s.end, next.start)) || !capitalised.test(form) || !capitalised.test(text.slice(next.start, next.end))) return;
    out.push({ action: 'reject', entityId: null, text: text.slice(s.start, next.end) });
  });
  return out;
}
