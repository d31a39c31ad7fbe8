/**
 * The data the panels show, as plain JSON: computed on the host (src/core/analysis), sent to the webview
 * through the protocol (protocol.ts). Nothing here may hold a class instance or a function.
 */

/** A mention of a workspace document, as the host's MentionRef (a stored one by annotation id). */
export interface MentionRefData {
  readonly uri: string;
  readonly start: number;
  readonly end: number;
  readonly annotationId?: string;
}

/** Which retriever put a candidate into the set, and the raw signals the ranker combined. */
export interface SignalData {
  readonly retrievedBy: readonly ('dense' | 'lexical' | 'ngram' | 'given')[];
  readonly dense?: number;
  readonly lexical?: number;
  readonly exactName?: boolean;
}

/** The entity's name closest to the mention (the name side of "Why here"). */
export interface NameMatchData {
  /** The name as written in the KB. */
  readonly name: string;
  readonly kind: 'title' | 'alias' | 'base name';
  /** Word tokens the mention and that name share (case-folded, accents removed). */
  readonly tokens: readonly string[];
  /** Character-trigram cosine of the two, 0..1 (the linker's n-gram measure). */
  readonly similarity: number;
}

/** A candidate as the mention view lists it (the label's own row, or a hard negative). */
export interface CandidateRow {
  readonly id: string;
  readonly title: string;
  readonly type?: string;
  readonly description: string;
  readonly score: number;
  readonly probability: number;
  /** 1-based rank in the model's candidate list. */
  readonly rank: number;
  /** Label score minus this score (undefined when the label was not retrieved or is NIL). */
  readonly marginToLabel?: number;
  readonly signals: SignalData;
  /** The closest name, when some name shares a character trigram with the mention. */
  readonly nameMatch?: NameMatchData;
}

export type LabelStatus = 'accepted' | 'nil' | 'suggested' | 'rejected' | 'needsReview' | 'unlabelled';

export interface MentionViewData {
  readonly ref: MentionRefData;
  readonly document: string;
  readonly text: string;
  readonly before: string;
  readonly after: string;
  readonly status: LabelStatus;
  /** The label's KB id (null: NIL or no label). */
  readonly labelId: string | null;
  readonly labelTitle?: string;
  /** The label's row in the model's ranking; undefined when the model did not retrieve it. */
  readonly label?: CandidateRow;
  /** The model's own choice (null: NIL). */
  readonly predictedId: string | null;
  readonly negatives: readonly CandidateRow[];
  readonly duplicateIds: readonly string[];
}

export interface EntityRecordData {
  readonly id: string;
  readonly title: string;
  readonly text: string;
  readonly aliases: readonly string[];
  readonly type?: string;
  readonly source?: string;
}

/** One accepted/NIL label of the corpus against the model's ranking. */
export interface CorpusMentionRow {
  /** Index into CorpusReport.mentions (stable for one report). */
  readonly index: number;
  readonly uri: string;
  readonly document: string;
  readonly start: number;
  readonly end: number;
  readonly annotationId: string;
  readonly text: string;
  readonly labelId: string | null;
  readonly labelTitle?: string;
  readonly predictedId: string | null;
  readonly predictedTitle?: string;
  readonly correct: boolean;
  /** 1-based rank of the label among the candidates; undefined when not retrieved (or NIL). */
  readonly labelRank?: number;
  /** Label score minus the best negative's score; undefined when the label was not retrieved or is NIL. */
  readonly margin?: number;
}

/** A margin bin: (from, to], the first closed; `to <= 0` means its mentions are not ranked right (a tie included). */
export interface HistogramBin {
  readonly from: number;
  readonly to: number;
  readonly count: number;
  /** Indices into CorpusReport.mentions. */
  readonly mentions: readonly number[];
}

export interface ConfusedPair {
  readonly labelId: string | null;
  readonly labelTitle?: string;
  readonly predictedId: string | null;
  readonly predictedTitle?: string;
  readonly count: number;
  /** Indices into CorpusReport.mentions. */
  readonly mentions: readonly number[];
}

export interface AmbiguousForm {
  readonly form: string;
  readonly count: number;
  readonly distinctLabels: number;
  /** Entropy of the labels in bits (0: always the same label). */
  readonly entropy: number;
  readonly labels: readonly { readonly id: string | null; readonly title?: string; readonly count: number }[];
  readonly accuracy: number;
  /** Mean of the model's top-1 minus top-2 score over the form's mentions (small: the model hesitates). */
  readonly meanModelMargin?: number;
  readonly mentions: readonly number[];
}

export interface DocumentAccuracy {
  readonly document: string;
  readonly uri: string;
  readonly total: number;
  readonly correct: number;
  readonly accuracy: number;
  readonly mentions: readonly number[];
}

export interface CorpusReport {
  readonly total: number;
  /** Mentions labelled with a KB entity (recall@k and margins are over these). */
  readonly linked: number;
  readonly nilLabels: number;
  readonly correct: number;
  readonly accuracy: number;
  readonly recallAtK: readonly { readonly k: number; readonly recall: number }[];
  readonly margins: {
    readonly bins: readonly HistogramBin[];
    /** Labels the model did not retrieve at all (no margin). */
    readonly notRetrieved: number;
    /** Labels retrieved with no other candidate to compare against. */
    readonly noNegatives: number;
  };
  readonly confusedPairs: readonly ConfusedPair[];
  readonly ambiguousForms: readonly AmbiguousForm[];
  readonly documents: readonly DocumentAccuracy[];
  readonly mentions: readonly CorpusMentionRow[];
  /** Milliseconds the host spent computing the report (linking excluded). */
  readonly computeMs: number;
  /** Inter-annotator agreement, when some document has labels from two annotators (src/core/agreement). */
  readonly agreement?: AgreementSummary;
}

/** Agreement figures of one document or of the corpus (null: undefined, e.g. kappa without variation). */
export interface AgreementRow {
  readonly document: string;
  readonly annotators: number;
  readonly spanUnits: number;
  readonly spanF1: number | null;
  readonly spanKappa: number | null;
  readonly spanAlpha: number | null;
  /** Spans marked by at least two annotators, and how many of them got one label from all. */
  readonly sharedSpans: number;
  readonly agreed: number;
  readonly entityKappa: number | null;
  readonly entityAlpha: number | null;
  /** Disagreements the curator has not decided yet. */
  readonly open: number;
}

export interface AgreementSummary {
  readonly annotators: readonly string[];
  readonly overall: AgreementRow;
  readonly documents: readonly AgreementRow[];
}
