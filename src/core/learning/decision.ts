import type { LinkedMention } from '../linker/types';

/**
 * One annotator decision, as the editor (or a simulated session) makes it:
 * - accept: took the linker's top candidate; relink: chose another entity; add: linked a span the linker had
 *   not proposed (Link Selection) — all three carry the chosen `entityId`;
 * - nil: the span names something that is not in the KB; reject: the span is no mention — `entityId` null.
 */
export type DecisionAction = 'accept' | 'relink' | 'nil' | 'reject' | 'add';

export const DECISION_ACTIONS: readonly DecisionAction[] = ['accept', 'relink', 'nil', 'reject', 'add'];

export interface AnnotatorDecision {
  /** A stable key of the document (workspace-relative path or URI string). */
  readonly document: string;
  /** UTF-16 offsets into the document, `end` exclusive. */
  readonly start: number;
  readonly end: number;
  /** The span's surface form. */
  readonly text: string;
  readonly action: DecisionAction;
  readonly entityId: string | null;
  /**
   * What the linker returned for the span when the decision was made, with the candidates' `features`; the
   * ranker refit learns from it (a decision without it still teaches the annotator memory).
   */
  readonly mention?: LinkedMention;
  /** Milliseconds since the epoch. */
  readonly time?: number;
}

/** The entity a decision links the span to, if any. */
export function decisionEntity(d: Pick<AnnotatorDecision, 'action' | 'entityId'>): string | undefined {
  return (d.action === 'accept' || d.action === 'relink' || d.action === 'add') && d.entityId !== null ? d.entityId : undefined;
}
