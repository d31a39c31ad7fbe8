import type { AnnotationRecord } from '../annotations/annotationRecord';

/**
 * The labels of one document by several annotators, as decisions per exact span. Only decisions count:
 * 'accepted' (an entity; an accepted record without an id is NIL) and 'nil' mark a mention, 'rejected' says
 * "not a mention"; suggestions and records needing review are no one's decision yet and are left out.
 */

/** The value of a mention decision that links to no entity. Entity ids are never empty, so '' cannot clash. */
export const NIL_VALUE = '';

/** One annotator's label set of a document (records already placed in the document's current text). */
export interface LabelSet {
  readonly annotator: string;
  /** The store file the records come from. */
  readonly file: string;
  readonly records: readonly AnnotationRecord[];
}

export interface TeamDocument {
  /** The document's workspace-relative path. */
  readonly document: string;
  readonly path: string;
  readonly text: string;
  /** The annotators' label sets (the curator's excluded), in annotator order. */
  readonly labelSets: readonly LabelSet[];
  readonly curated?: LabelSet;
}

export interface Decision {
  readonly start: number;
  readonly end: number;
  /** undefined: "not a mention" (rejected); NIL_VALUE: NIL; otherwise the entity id. */
  readonly value: string | undefined;
  readonly record: AnnotationRecord;
}

export function spanKey(start: number, end: number): string {
  return `${start}:${end}`;
}

/** The decision of each span of a label set; of two records on one span the later decision wins. */
export function decisionsOf(records: readonly AnnotationRecord[]): Map<string, Decision> {
  const out = new Map<string, Decision>();
  for (const r of records) {
    if (r.status !== 'accepted' && r.status !== 'nil' && r.status !== 'rejected') continue;
    if (r.end <= r.start) continue;
    const key = spanKey(r.start, r.end);
    const previous = out.get(key);
    if (previous !== undefined && previous.record.time > r.time) continue;
    const value = r.status === 'rejected' ? undefined : r.status === 'nil' || r.kbId === null || r.kbId === '' ? NIL_VALUE : r.kbId;
    out.set(key, { start: r.start, end: r.end, value, record: r });
  }
  return out;
}

/**
 * The label sets that hold at least one decision: an annotator who opened a document but decided nothing in it
 * (only suggestions in their file) has not annotated it, and counts neither for agreement nor against it.
 */
export function decidingSets(doc: TeamDocument): LabelSet[] {
  return doc.labelSets.filter((s) => s.records.some((r) => r.status === 'accepted' || r.status === 'nil' || r.status === 'rejected'));
}

/** One annotator's label at a span where the annotators differ: undefined value = not a mention for them. */
export interface AnnotatorLabel {
  readonly annotator: string;
  readonly value: string | undefined;
  readonly title?: string;
}

export interface Disagreement {
  readonly document: string;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly labels: readonly AnnotatorLabel[];
  /** The curator's decision at this span, when there is one. */
  readonly curated?: Decision;
}

/**
 * The spans the annotators of a document do not all label the same way: a span some annotator marked as a
 * mention gets each annotator's value (an annotator who did not mark it: not a mention). With fewer than two
 * annotators nothing can disagree.
 */
export function disagreementsOf(doc: TeamDocument): Disagreement[] {
  const sets = decidingSets(doc);
  if (sets.length < 2) return [];
  const perSet = sets.map((s) => ({ annotator: s.annotator, decisions: decisionsOf(s.records) }));
  const curated = doc.curated === undefined ? new Map<string, Decision>() : decisionsOf(doc.curated.records);
  const out: Disagreement[] = [];
  for (const { key, start, end } of mentionSpans(perSet.map((s) => s.decisions))) {
    const labels = perSet.map((s): AnnotatorLabel => {
      const d = s.decisions.get(key);
      const title = d?.value !== undefined && d.value !== NIL_VALUE ? d.record.title : undefined;
      return { annotator: s.annotator, value: d?.value, ...(title === undefined ? {} : { title }) };
    });
    if (labels.every((l) => l.value === labels[0].value)) continue;
    const c = curated.get(key);
    out.push({ document: doc.document, start, end, text: doc.text.slice(start, end), labels, ...(c === undefined ? {} : { curated: c }) });
  }
  return out;
}

/** Every span some label set marks as a mention, in document order. */
export function mentionSpans(sets: readonly ReadonlyMap<string, Decision>[]): { key: string; start: number; end: number }[] {
  const spans = new Map<string, { key: string; start: number; end: number }>();
  for (const decisions of sets) {
    for (const [key, d] of decisions) {
      if (d.value !== undefined && !spans.has(key)) spans.set(key, { key, start: d.start, end: d.end });
    }
  }
  return [...spans.values()].sort((a, b) => a.start - b.start || a.end - b.end);
}

export interface ResolvedLabels {
  /** The records to use as the document's labels (curated, else agreed, else a single annotator's). */
  readonly records: AnnotationRecord[];
  /** Spans left out: the annotators disagree and no curator decided. */
  readonly unresolved: Disagreement[];
}

/**
 * The labels export, evaluation and fine-tuning use, by one rule:
 * 1. a curated decision at a span wins (a curated "not a mention" removes the span);
 * 2. with one annotator who decided anything (an old single-annotator store included) their records are used
 *    as they are;
 * 3. with several, a span is used when every annotator of the document gave it the same label (all the same
 *    entity, or all NIL); a span they label differently is left out until it is curated.
 */
export function resolveLabels(doc: TeamDocument): ResolvedLabels {
  let base: AnnotationRecord[];
  let unresolved: Disagreement[] = [];
  const sets = decidingSets(doc);
  if (sets.length <= 1) {
    base = [...((sets[0] ?? doc.labelSets[0])?.records ?? [])];
  } else {
    const first = decisionsOf(sets[0].records);
    const disagreements = disagreementsOf(doc);
    const disputed = new Set(disagreements.map((d) => spanKey(d.start, d.end)));
    base = [...first.entries()].filter(([key, d]) => d.value !== undefined && !disputed.has(key)).map(([, d]) => d.record);
    unresolved = disagreements.filter((d) => d.curated === undefined);
  }
  if (doc.curated === undefined) return { records: base, unresolved };
  const curated = decisionsOf(doc.curated.records);
  const kept = base.filter((r) => !curated.has(spanKey(r.start, r.end)));
  const decided = [...curated.values()].filter((d) => d.value !== undefined).map((d) => d.record);
  return { records: [...kept, ...decided].sort((a, b) => a.start - b.start || a.end - b.end), unresolved };
}
