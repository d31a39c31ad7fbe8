import { type CodedUnit, cohenKappa, krippendorffAlphaNominal, meanOf, pairCounts, spanF1 } from './statistics';
import { type TeamDocument, decidingSets, decisionsOf, mentionSpans } from './teamLabels';

/**
 * Inter-annotator agreement of a document, or of a corpus by pooling its documents' units.
 *
 * Span agreement (exact span match). The units are every span some annotator decided (marked as a mention, or
 * rejected as a suggestion); each annotator of the document codes each unit "mention" or "none" (no decision
 * counts as "none": they did not mark it). Pairwise F1 needs no negatives; kappa and alpha use the rejected
 * suggestions as the negatives and are undefined (null) where every unit is a mention for everyone.
 *
 * Entity agreement on shared spans. The units are the spans some annotator marked as a mention; an annotator's
 * value is the entity id or NIL (a category like any other), missing where they did not mark the span. Cohen's
 * kappa per pair over the spans both marked; Krippendorff's alpha (nominal) over all annotators at once.
 * With more than two annotators "kappa" is the mean of the pairs' kappas (Light's kappa).
 */

export const MENTION = 'mention';
export const NONE = 'none';

export interface AgreementUnits {
  readonly annotators: readonly string[];
  readonly spanUnits: readonly CodedUnit[];
  readonly entityUnits: readonly CodedUnit[];
}

export interface SpanPairFigures {
  readonly a: string;
  readonly b: string;
  /** Spans both marked as mentions; spans only one of them marked. */
  readonly matched: number;
  readonly onlyA: number;
  readonly onlyB: number;
  readonly f1: number | null;
  readonly kappa: number | null;
}

export interface EntityPairFigures {
  readonly a: string;
  readonly b: string;
  readonly sharedSpans: number;
  readonly agreed: number;
  readonly kappa: number | null;
}

export interface AgreementFigures {
  readonly annotators: readonly string[];
  readonly spans: {
    readonly units: number;
    readonly pairs: readonly SpanPairFigures[];
    /** Micro F1 over all pairs: 2 * sum matched / (2 * sum matched + sum onlyA + sum onlyB). */
    readonly f1: number | null;
    readonly kappa: number | null;
    readonly alpha: number | null;
  };
  readonly entities: {
    /** Spans marked as mentions by at least two annotators, and how many of them got one label from all. */
    readonly sharedSpans: number;
    readonly agreed: number;
    readonly pairs: readonly EntityPairFigures[];
    readonly kappa: number | null;
    readonly alpha: number | null;
  };
}

/** The coded units of one document (see the module comment). */
export function unitsOf(doc: TeamDocument): AgreementUnits {
  const sets = decidingSets(doc).map((s) => ({ annotator: s.annotator, decisions: decisionsOf(s.records) }));
  const annotators = sets.map((s) => s.annotator);
  const decidedKeys = new Set<string>();
  for (const s of sets) for (const key of s.decisions.keys()) decidedKeys.add(key);
  const spanUnits = [...decidedKeys].sort().map((key) => new Map(sets.map((s) => [s.annotator, s.decisions.get(key)?.value !== undefined ? MENTION : NONE])));
  const entityUnits = mentionSpans(sets.map((s) => s.decisions)).map(({ key }) => {
    const unit = new Map<string, string>();
    for (const s of sets) {
      const value = s.decisions.get(key)?.value;
      if (value !== undefined) unit.set(s.annotator, value);
    }
    return unit;
  });
  return { annotators, spanUnits, entityUnits };
}

/** Pools documents' units into one set (a corpus figure weighs every unit once, not every document). */
export function poolUnits(parts: readonly AgreementUnits[]): AgreementUnits {
  const annotators = [...new Set(parts.flatMap((p) => p.annotators))].sort();
  return { annotators, spanUnits: parts.flatMap((p) => p.spanUnits), entityUnits: parts.flatMap((p) => p.entityUnits) };
}

export function agreementFigures(units: AgreementUnits): AgreementFigures {
  const pairs: [string, string][] = [];
  for (let i = 0; i < units.annotators.length; i++) {
    for (let j = i + 1; j < units.annotators.length; j++) pairs.push([units.annotators[i], units.annotators[j]]);
  }
  const spanPairs = pairs.map(([a, b]): SpanPairFigures => {
    let matched = 0;
    let onlyA = 0;
    let onlyB = 0;
    for (const u of units.spanUnits) {
      const va = u.get(a);
      const vb = u.get(b);
      if (va === undefined || vb === undefined) continue;
      if (va === MENTION && vb === MENTION) matched++;
      else if (va === MENTION) onlyA++;
      else if (vb === MENTION) onlyB++;
    }
    return { a, b, matched, onlyA, onlyB, f1: spanF1(matched, onlyA, onlyB), kappa: cohenKappa(units.spanUnits, a, b) };
  });
  const entityPairs = pairs
    .map(([a, b]): EntityPairFigures => ({ a, b, ...renameCounts(pairCounts(units.entityUnits, a, b)), kappa: cohenKappa(units.entityUnits, a, b) }))
    .filter((p) => p.sharedSpans > 0);
  const shared = units.entityUnits.filter((u) => u.size >= 2);
  const sum = (f: (p: SpanPairFigures) => number): number => spanPairs.reduce((s, p) => s + f(p), 0);
  return {
    annotators: units.annotators,
    spans: {
      units: units.spanUnits.length,
      pairs: spanPairs,
      f1: spanF1(sum((p) => p.matched), sum((p) => p.onlyA), sum((p) => p.onlyB)),
      kappa: meanOf(spanPairs.map((p) => p.kappa)),
      alpha: krippendorffAlphaNominal(units.spanUnits),
    },
    entities: {
      sharedSpans: shared.length,
      agreed: shared.filter((u) => new Set(u.values()).size === 1).length,
      pairs: entityPairs,
      kappa: meanOf(entityPairs.map((p) => p.kappa)),
      alpha: krippendorffAlphaNominal(units.entityUnits),
    },
  };
}

function renameCounts(c: { units: number; agreed: number }): { sharedSpans: number; agreed: number } {
  return { sharedSpans: c.units, agreed: c.agreed };
}
