import { type AnnotationRecord, contextAround, flagForReview } from './annotationRecord';

/**
 * Finding annotations again in a document that changed while the editor was not watching (edited elsewhere,
 * pulled from git). Every occurrence of the stored surface text is a candidate place; each is scored by how
 * well the text around it matches the stored context, with a small bonus for lying where the mention was (the
 * exact old offset first, then nearby). A mention is placed only when the best place is good and clearly
 * better than the runner-up; otherwise it stays at its old offsets (clamped to the new text) flagged
 * `needsReview` with its old text, so nothing is ever dropped and a later reopen can try again.
 */

export interface ReanchorOptions {
  /** Minimum score of the chosen place (context 0..1 plus up to 0.1 for place). */
  readonly minScore?: number;
  /** Required lead of the best place over the second. */
  readonly minMargin?: number;
  /** Occurrences scored per mention, nearest the old place first; a surface form repeated more often is told apart by place. */
  readonly maxOccurrences?: number;
}

export interface ReanchorResult {
  readonly records: AnnotationRecord[];
  readonly unchanged: number;
  readonly moved: number;
  /** Placed at the only occurrence of its text, but with a context that no longer matches: flagged. */
  readonly placedUncertain: number;
  /** Could not be placed: kept at clamped old offsets, flagged. */
  readonly unplaced: number;
}

const DEFAULTS = { minScore: 0.35, minMargin: 0.05, maxOccurrences: 200 };

export function reanchorRecords(records: readonly AnnotationRecord[], newText: string, oldLength: number, options: ReanchorOptions = {}): ReanchorResult {
  const opts = { ...DEFAULTS, ...options };
  let unchanged = 0;
  let moved = 0;
  let placedUncertain = 0;
  let unplaced = 0;
  const out = records.map((r) => {
    const placed = placeRecord(r, newText, oldLength, opts);
    switch (placed.kind) {
      case 'same':
        unchanged++;
        return placed.record;
      case 'moved':
        moved++;
        return placed.record;
      case 'uncertain':
        placedUncertain++;
        return placed.record;
      case 'unplaced':
        unplaced++;
        return placed.record;
    }
  });
  return { records: out, unchanged, moved, placedUncertain, unplaced };
}

type Placement = { kind: 'same' | 'moved' | 'uncertain' | 'unplaced'; record: AnnotationRecord };

function placeRecord(r: AnnotationRecord, text: string, oldLength: number, opts: typeof DEFAULTS): Placement {
  if (r.text === '') {
    return { kind: 'unplaced', record: clampFlag(r, text, 'the annotation has no text to search for') };
  }
  // Where the mention would be if every change happened after it, and if every change happened before it.
  const shifted = r.start + (text.length - oldLength);
  const place = (at: number): AnnotationRecord => ({ ...r, start: at, end: at + r.text.length });
  // Fast path, the common case of edits elsewhere: the text and its whole stored context are at an expected place.
  for (const at of [r.start, shifted]) {
    if (at >= 0 && text.startsWith(r.text, at) && contextEquals(r.context, text, at, at + r.text.length)) {
      return settle(r, at, place);
    }
  }
  let positions: number[] = [];
  for (let at = text.indexOf(r.text); at >= 0; at = text.indexOf(r.text, at + 1)) positions.push(at);
  if (positions.length === 0) {
    return { kind: 'unplaced', record: clampFlag(r, text, 'its text no longer occurs in the document') };
  }
  const total = positions.length;
  const distance = (at: number): number => Math.min(Math.abs(at - r.start), Math.abs(at - shifted));
  if (positions.length > opts.maxOccurrences) {
    // A surface form this frequent can only be told apart by place: score the occurrences nearest the old one.
    positions = positions.sort((a, b) => distance(a) - distance(b)).slice(0, opts.maxOccurrences);
  }
  const stored = contextGrams(r.context);
  const scored = positions.map((at) => {
    const proximity = at === r.start ? 0.1 : 0.05 * Math.exp(-distance(at) / 1000);
    return { at, score: contextScoreWith(r.context, stored, contextAround(text, at, at + r.text.length)) + proximity };
  });
  scored.sort((a, b) => b.score - a.score);
  const best = scored[0];
  const second = scored.length > 1 ? scored[1].score : -Infinity;
  if (best.score >= opts.minScore && best.score - second >= opts.minMargin) {
    return settle(r, best.at, place);
  }
  if (total === 1) {
    return { kind: 'uncertain', record: flagForReview(place(best.at), 'the text around the mention changed; placed at the only occurrence of its text') };
  }
  return { kind: 'unplaced', record: clampFlag(r, text, `its text occurs ${total} times and the context does not single one out`) };
}

function settle(r: AnnotationRecord, at: number, place: (at: number) => AnnotationRecord): Placement {
  if (at === r.start && r.end === r.start + r.text.length) {
    const record = restoreIfReanchorFlagged(r);
    return { kind: record === r ? 'same' : 'moved', record };
  }
  return { kind: 'moved', record: restoreIfReanchorFlagged(place(at)) };
}

function contextEquals(context: { before: string; after: string }, text: string, start: number, end: number): boolean {
  // A stored context shorter than CONTEXT_CHARS means the mention sat at the start or end of the text.
  const found = contextAround(text, start, end);
  return found.before === context.before && found.after === context.after;
}

/** A record flagged by an earlier failed re-anchoring gets its status back once it is placed with confidence. */
function restoreIfReanchorFlagged(r: AnnotationRecord): AnnotationRecord {
  if (r.status !== 'needsReview' || r.review === undefined || !r.review.reason.startsWith(REANCHOR_REASON_PREFIX)) return r;
  const { review, ...rest } = r;
  return { ...rest, status: review.previousStatus };
}

const REANCHOR_REASON_PREFIX = 'not re-anchored: ';

function clampFlag(r: AnnotationRecord, text: string, why: string): AnnotationRecord {
  const start = Math.min(r.start, text.length);
  const end = Math.min(Math.max(r.end, start), text.length);
  return flagForReview({ ...r, start, end }, REANCHOR_REASON_PREFIX + why);
}

/**
 * Similarity of stored and found context in 0..1: half from how many characters match outward from the
 * mention (exact adjacency), half from shared character trigrams (robust to a small edit a few words away).
 */
export function contextScore(stored: { before: string; after: string }, found: { before: string; after: string }): number {
  return contextScoreWith(stored, contextGrams(stored), found);
}

type Grams = { before: Map<string, number>; after: Map<string, number> };

function contextGrams(context: { before: string; after: string }): Grams {
  return { before: trigrams(context.before), after: trigrams(context.after) };
}

function contextScoreWith(stored: { before: string; after: string }, grams: Grams, found: { before: string; after: string }): number {
  const total = stored.before.length + stored.after.length;
  if (total === 0) return 0.5;
  const adjacent = (commonSuffix(stored.before, found.before) + commonPrefix(stored.after, found.after)) / total;
  const wb = stored.before.length / total;
  const similarity = wb * dice(stored.before, grams.before, found.before) + (1 - wb) * dice(stored.after, grams.after, found.after);
  return 0.5 * adjacent + 0.5 * similarity;
}

function commonSuffix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

function dice(a: string, ga: Map<string, number>, b: string): number {
  if (a.length === 0 && b.length === 0) return 1;
  const gb = trigrams(b);
  if (ga.size === 0 || gb.size === 0) return a === b ? 1 : 0;
  let shared = 0;
  for (const [g, n] of ga) shared += Math.min(n, gb.get(g) ?? 0);
  // Trigram counts are the string lengths minus two.
  return (2 * shared) / (a.length - 2 + (b.length - 2));
}

function trigrams(s: string): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + 3 <= s.length; i++) {
    const g = s.slice(i, i + 3);
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}
