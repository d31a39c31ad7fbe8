import type { AnnotationRecord } from '../annotations/annotationRecord';
import type { AnnotatorDecision, DecisionAction } from '../learning/decision';
import { formKey } from '../learning/annotatorMemory';
import type { DocumentContext, LinkedMention } from '../linker/types';

/** What of a record makes it a decision: a change of either is a new decision. */
function signature(r: Pick<AnnotationRecord, 'status' | 'kbId'>): string {
  return `${r.status}\u0000${r.kbId ?? ''}`;
}

/**
 * Turns the annotation store's records into the annotator's decisions as they are made. The records a
 * document had when first seen are its baseline (decisions of earlier sessions, already learned or folded
 * into a model); afterwards every record that appears, or whose status or entity changes, to accepted, NIL
 * or rejected is one decision. The linker's prediction for the same span at that moment is attached (its
 * candidates carry the ranker's features), so the decision says whether the top candidate was taken
 * (accept), another chosen (relink), or a span linked that the linker had not proposed (add).
 * Undoing a decision is not un-learned: the memory counts what the annotator did, and a redo counts again.
 */
export class DecisionTracker {
  private readonly seen = new Map<string, Map<string, string>>();

  /** Whether the document's baseline was taken. */
  knows(document: string): boolean {
    return this.seen.has(document);
  }

  /** Records the document's current records as already decided (first sight of the document). */
  baseline(document: string, records: readonly AnnotationRecord[]): void {
    this.seen.set(document, new Map(records.map((r) => [r.id, signature(r)])));
  }

  /** The decisions made since the last call for this document (the baseline is taken on first sight). */
  changes(document: string, records: readonly AnnotationRecord[], predictions: readonly LinkedMention[], now = Date.now()): AnnotatorDecision[] {
    const known = this.seen.get(document);
    if (known === undefined) {
      this.baseline(document, records);
      return [];
    }
    const out: AnnotatorDecision[] = [];
    const current = new Map<string, string>();
    for (const r of records) {
      const sig = signature(r);
      current.set(r.id, sig);
      if (known.get(r.id) === sig) continue;
      const decision = decisionOf(document, r, predictions, now);
      if (decision !== undefined) out.push(decision);
    }
    this.seen.set(document, current);
    return out;
  }

  forget(document: string): void {
    this.seen.delete(document);
  }
}

function decisionOf(document: string, r: AnnotationRecord, predictions: readonly LinkedMention[], now: number): AnnotatorDecision | undefined {
  const mention = predictions.find((p) => p.start === r.start && p.end === r.end);
  let action: DecisionAction;
  switch (r.status) {
    case 'accepted':
      if (r.kbId === null) return undefined;
      action = mention === undefined ? 'add' : mention.candidates[0]?.id === r.kbId && !mention.nil ? 'accept' : 'relink';
      break;
    case 'nil':
      action = 'nil';
      break;
    case 'rejected':
      action = 'reject';
      break;
    default:
      return undefined;
  }
  return {
    document,
    start: r.start,
    end: r.end,
    text: r.text,
    action,
    entityId: action === 'nil' || action === 'reject' ? null : r.kbId,
    ...(mention === undefined ? {} : { mention }),
    time: now,
  };
}

/** The decisions made in a document as the linker takes them (accepted: the entity; NIL and rejected: null). */
export function documentContextOf(records: readonly AnnotationRecord[]): DocumentContext {
  const decisions = records
    .filter((r) => r.status === 'accepted' || r.status === 'nil' || r.status === 'rejected')
    .map((r) => ({ start: r.start, end: r.end, text: r.text, entityId: r.status === 'accepted' ? r.kbId : null }));
  return { decisions };
}

/** Whether a decision bears on another prediction of the same document (the same form elsewhere). */
export function affectsOthers(decisions: readonly AnnotatorDecision[], predictions: readonly LinkedMention[]): boolean {
  return decisions.some((d) => predictions.some((p) => p.start !== d.start && formKey(p.text) === formKey(d.text)));
}
