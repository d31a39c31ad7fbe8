import { type AgreementFigures, type AgreementUnits, agreementFigures, poolUnits, unitsOf } from './agreementFigures';
import { type TeamDocument, decidingSets, disagreementsOf } from './teamLabels';

/** Agreement per document and over the corpus, with how many disagreements are curated. */
export interface DocumentAgreement {
  readonly document: string;
  readonly figures: AgreementFigures;
  /** Spans the annotators label differently, and how many of them the curator has not decided yet. */
  readonly disagreements: number;
  readonly uncurated: number;
}

export interface AgreementReport {
  readonly documents: readonly DocumentAgreement[];
  readonly overall: AgreementFigures;
  readonly disagreements: number;
  readonly uncurated: number;
}

/**
 * The report of a team store. `annotators` restricts it to those annotators' label sets (the others are left out
 * as if they had not annotated).
 */
export function agreementReport(documents: readonly TeamDocument[], annotators?: readonly string[]): AgreementReport {
  const keep = annotators === undefined || annotators.length === 0 ? undefined : new Set(annotators);
  const parts: AgreementUnits[] = [];
  const rows: DocumentAgreement[] = [];
  for (const full of documents) {
    const doc = keep === undefined ? full : { ...full, labelSets: full.labelSets.filter((s) => keep.has(s.annotator)) };
    if (decidingSets(doc).length === 0) continue;
    const units = unitsOf(doc);
    parts.push(units);
    const disagreements = disagreementsOf(doc);
    rows.push({ document: doc.document, figures: agreementFigures(units), disagreements: disagreements.length, uncurated: disagreements.filter((d) => d.curated === undefined).length });
  }
  return {
    documents: rows,
    overall: agreementFigures(poolUnits(parts)),
    disagreements: rows.reduce((s, r) => s + r.disagreements, 0),
    uncurated: rows.reduce((s, r) => s + r.uncurated, 0),
  };
}
