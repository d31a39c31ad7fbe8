import { type AnnotationRecord, flagForReview } from './annotationRecord';

/**
 * Moving annotations with live text edits (VS Code's `contentChanges`). Rules, chosen so that no decision is
 * ever silently kept on text it was not made for:
 * - an edit wholly before a mention shifts it; an insertion exactly at its start or end stays outside it
 *   (typing next to a name does not extend the name);
 * - an edit inside a mention resizes it to the new text and flags it `needsReview` (the surface changed, so
 *   the link may no longer hold);
 * - an edit that overlaps one side keeps the surviving part of the mention, flagged;
 * - an edit that removes the whole mention collapses it to an empty span at the edit, flagged, with its old
 *   text kept: the record is never dropped, and when the same text is inserted back at that point (the
 *   editor's own undo) the mention is restored with the status it had.
 */
export interface TextChange {
  /** UTF-16 offsets in the text before this batch of changes, end exclusive. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Changes in one batch refer to the text before the batch and must not overlap; applied last-first. */
export function sortChangesForApply(changes: readonly TextChange[]): TextChange[] {
  const sorted = [...changes].sort((a, b) => b.start - a.start || b.end - a.end);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].end > sorted[i - 1].start) {
      throw new RangeError(`overlapping text changes [${sorted[i].start}, ${sorted[i].end}) and [${sorted[i - 1].start}, ${sorted[i - 1].end})`);
    }
  }
  return sorted;
}

export function applyChangesToText(text: string, sorted: readonly TextChange[]): string {
  let out = text;
  for (const c of sorted) {
    if (c.start < 0 || c.end > out.length || c.start > c.end) {
      throw new RangeError(`text change [${c.start}, ${c.end}) is outside the text (length ${out.length})`);
    }
    out = out.slice(0, c.start) + c.text + out.slice(c.end);
  }
  return out;
}

/** Moves one record through one change. Returns the same object when nothing about it changed. */
export function shiftRecord(r: AnnotationRecord, c: TextChange): AnnotationRecord {
  const removed = c.end - c.start;
  const delta = c.text.length - removed;
  const collapsed = r.start === r.end;
  if (collapsed) {
    return shiftCollapsed(r, c, delta);
  }
  if (c.end <= r.start) {
    // Wholly before, or an insertion exactly at the start.
    return delta === 0 ? r : { ...r, start: r.start + delta, end: r.end + delta };
  }
  if (c.start >= r.end) {
    return r;
  }
  if (c.start >= r.start && c.end <= r.end) {
    // Inside the mention (or replacing exactly it). A change that writes back the same characters is no edit.
    if (c.text === r.text.slice(c.start - r.start, c.end - r.start)) return r;
    const end = r.end + delta;
    if (end === r.start) return collapse(r, r.start);
    return flagForReview({ ...r, end }, 'the mention text was edited');
  }
  if (c.start <= r.start && c.end >= r.end) {
    return collapse(r, c.start);
  }
  if (c.start < r.start) {
    // Overlaps the head: the part after the edit survives.
    return flagForReview({ ...r, start: c.start + c.text.length, end: r.end + delta }, 'the start of the mention was edited');
  }
  // Overlaps the tail: the part before the edit survives.
  return flagForReview({ ...r, end: c.start }, 'the end of the mention was edited');
}

const DELETED = 'the mention text was deleted';

function collapse(r: AnnotationRecord, at: number): AnnotationRecord {
  return flagForReview({ ...r, start: at, end: at }, DELETED);
}

function shiftCollapsed(r: AnnotationRecord, c: TextChange, delta: number): AnnotationRecord {
  const at = r.start;
  if (c.start === at && c.end === at) {
    const i = c.text.indexOf(r.text);
    if (r.text !== '' && i >= 0 && c.text.indexOf(r.text, i + 1) < 0) {
      // The deleted text came back at the same point: restore the mention and its former status.
      const restored: AnnotationRecord = { ...r, start: at + i, end: at + i + r.text.length };
      if (r.review !== undefined && r.review.reason === DELETED) {
        const { review: _dropped, ...rest } = restored;
        return { ...rest, status: r.review.previousStatus };
      }
      return restored;
    }
    return r;
  }
  if (c.end <= at) {
    return delta === 0 ? r : { ...r, start: at + delta, end: at + delta };
  }
  if (c.start >= at) {
    return r;
  }
  // The point itself was inside a removed range: it moves to where that range was.
  return { ...r, start: c.start, end: c.start };
}

/** Moves every record through a batch of changes (sorted last-first by sortChangesForApply). */
export function shiftRecords(records: readonly AnnotationRecord[], sorted: readonly TextChange[]): AnnotationRecord[] {
  return records.map((r) => sorted.reduce(shiftRecord, r));
}
