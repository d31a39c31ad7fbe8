import type { AnnotationRecord } from '../annotations/annotationRecord';
import type { RankedCandidate } from '../linker/types';
import type { CandidateRow, SignalData } from '../../shared/panelModel';

/** The part of an annotation the analysis reads. */
export type LabelFields = Pick<AnnotationRecord, 'kbId' | 'alternativeIds' | 'duplicateIds'>;

/**
 * The ids that count as the label: the label itself, imported alternatives, and declared duplicates (the same
 * thing twice in the KB, so predicting one is right and it is never a negative). Empty for NIL.
 */
export function acceptableIds(label: LabelFields): ReadonlySet<string> {
  if (label.kbId === null) return new Set();
  return new Set([label.kbId, ...(label.alternativeIds ?? []), ...(label.duplicateIds ?? [])]);
}

/** Where the label sits in a ranking: the first acceptable candidate (0-based index), or -1. */
export function labelIndex(candidates: readonly Pick<RankedCandidate, 'id'>[], acceptable: ReadonlySet<string>): number {
  return acceptable.size === 0 ? -1 : candidates.findIndex((c) => acceptable.has(c.id));
}

export function signalData(c: RankedCandidate): SignalData {
  return {
    retrievedBy: [...c.signals.retrievedBy],
    ...(c.signals.dense === undefined ? {} : { dense: c.signals.dense }),
    ...(c.signals.lexical === undefined ? {} : { lexical: c.signals.lexical }),
    ...(c.signals.exactName === undefined ? {} : { exactName: c.signals.exactName }),
  };
}

/** What the KB says about a candidate, for the row's type and description columns. */
export type EntityInfo = (id: string) => { readonly type?: string; readonly text: string } | undefined;

export interface LabelAndNegatives {
  /** The label's row, when the model retrieved it. */
  readonly label?: CandidateRow;
  /** The hardest negatives, best-scored first: every candidate that is not an acceptable id. */
  readonly negatives: CandidateRow[];
}

/**
 * The label's row and the top-k hardest negatives of one mention's ranking. A negative's margin is the label's
 * score minus its own (negative: the model prefers the negative). Without a retrieved label there is no margin.
 */
export function labelAndNegatives(candidates: readonly RankedCandidate[], label: LabelFields, k: number, info: EntityInfo): LabelAndNegatives {
  const acceptable = acceptableIds(label);
  const at = label.kbId === null ? -1 : candidates.findIndex((c) => c.id === label.kbId);
  const row = (c: RankedCandidate, i: number, labelScore: number | undefined): CandidateRow => {
    const e = info(c.id);
    return {
      id: c.id,
      title: c.title,
      ...(e?.type === undefined ? {} : { type: e.type }),
      description: e?.text ?? '',
      score: c.score,
      probability: c.probability,
      rank: i + 1,
      ...(labelScore === undefined ? {} : { marginToLabel: labelScore - c.score }),
      signals: signalData(c),
    };
  };
  const labelRow = at < 0 ? undefined : row(candidates[at], at, undefined);
  const negatives: CandidateRow[] = [];
  for (let i = 0; i < candidates.length && negatives.length < k; i++) {
    if (!acceptable.has(candidates[i].id)) negatives.push(row(candidates[i], i, labelRow?.score));
  }
  return { ...(labelRow === undefined ? {} : { label: labelRow }), negatives };
}
