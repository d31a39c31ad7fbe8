import type { LinkedMention } from '../linker/types';
import type { VisitOrder } from './simulationTypes';

/** A suggestion the annotator has not decided yet. */
export interface OpenSuggestion {
  /** Position of its document in the session. */
  readonly doc: number;
  linked: LinkedMention;
  resolved: boolean;
}

/** How sure the linker is of a suggestion: its top candidate's probability (0 without candidates). */
export function certainty(linked: LinkedMention): number {
  return linked.candidates[0]?.probability ?? 0;
}

/**
 * The suggestion Next Unresolved visits: in document order the first open one of the earliest document by
 * position; by uncertainty the least certain open one of any document (ties in document order).
 */
export function nextSuggestion(open: readonly OpenSuggestion[], order: VisitOrder): OpenSuggestion | undefined {
  let best: OpenSuggestion | undefined;
  for (const s of open) {
    if (s.resolved) continue;
    if (best === undefined || before(s, best, order)) best = s;
  }
  return best;
}

function before(a: OpenSuggestion, b: OpenSuggestion, order: VisitOrder): boolean {
  if (order === 'uncertainty') {
    const ca = certainty(a.linked);
    const cb = certainty(b.linked);
    if (ca !== cb) return ca < cb;
  }
  return a.doc !== b.doc ? a.doc < b.doc : a.linked.start < b.linked.start;
}
