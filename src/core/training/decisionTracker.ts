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
 * A decision of this session that is undone, or changed into another (a relink correcting an accept, a NIL
 * replacing a rejection), is retracted: `update` returns it so that the learner forgets it, and the memory counts
 * what the annotator finally decided, not each step (a redo decides again). Baseline records are never retracted.
 */
export class DecisionTracker {
  private readonly seen = new Map<string, Map<string, Seen>>();

  /** Whether the document's baseline was taken. */
  knows(document: string): boolean {
    return this.seen.has(document);
  }

  /** Records the document's current records as already decided (first sight of the document). */
  baseline(document: string, records: readonly AnnotationRecord[]): void {
    this.seen.set(document, new Map(records.map((r) => [r.id, { signature: signature(r) }])));
  }

  /** The decisions made since the last call for this document (the baseline is taken on first sight). */
  changes(document: string, records: readonly AnnotationRecord[], predictions: readonly LinkedMention[], now = Date.now()): AnnotatorDecision[] {
    return this.update(document, records, predictions, now).decisions;
  }

  /**
   * The decisions made since the last call for this document, and the earlier decisions of this session they undo
   * or replace (`retracted`, as they were returned then).
   */
  update(document: string, records: readonly AnnotationRecord[], predictions: readonly LinkedMention[], now = Date.now()): { decisions: AnnotatorDecision[]; retracted: AnnotatorDecision[] } {
    const known = this.seen.get(document);
    if (known === undefined) {
      this.baseline(document, records);
      return { decisions: [], retracted: [] };
    }
    const decisions: AnnotatorDecision[] = [];
    const retracted: AnnotatorDecision[] = [];
    const current = new Map<string, Seen>();
    for (const r of records) {
      const sig = signature(r);
      const before = known.get(r.id);
      if (before?.signature === sig) {
        current.set(r.id, before);
        continue;
      }
      if (before?.decision !== undefined) retracted.push(before.decision);
      const decision = decisionOf(document, r, predictions, now);
      if (decision !== undefined) decisions.push(decision);
      current.set(r.id, { signature: sig, ...(decision === undefined ? {} : { decision }) });
    }
    // A record gone (an undone add, a removed suggestion) takes its decision with it.
    for (const [id, before] of known) if (!current.has(id) && before.decision !== undefined) retracted.push(before.decision);
    this.seen.set(document, current);
    return { decisions, retracted };
  }

  forget(document: string): void {
    this.seen.delete(document);
  }

  /**
   * Every decision seen so far becomes baseline (the learner that observed them was reset: Forget What Was
   * Learned): undoing or changing one later retracts nothing, so the new learner never takes back what it never
   * learned.
   */
  settle(): void {
    for (const [document, records] of this.seen) this.seen.set(document, new Map([...records].map(([id, seen]) => [id, { signature: seen.signature }])));
  }
}

/** What the tracker keeps of a record: its signature and, for a decision of this session, the decision. */
interface Seen {
  readonly signature: string;
  readonly decision?: AnnotatorDecision;
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
