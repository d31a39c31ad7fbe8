/**
 * What the linker returns. Offsets are UTF-16 character offsets into the document text (JavaScript string
 * indices, as VS Code uses), `end` exclusive.
 */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A span to link, optionally restricted to a fixed candidate set (e.g. the WordNet senses of a lemma). */
export interface SpanRequest extends Span {
  readonly candidateIds?: readonly string[];
  /**
   * Entities to score besides the retrieved ones (a trainer's random KB negatives); marked retrieved by
   * 'given' without a given rank. Ignored with `candidateIds`.
   */
  readonly extraCandidateIds?: readonly string[];
  /**
   * The dictionary lemma of the span when the caller knows it (a WSD instance's `lemma`): the KB's per-form
   * prior (`formPrior`) reads it instead of the surface form, so irregular forms ("took", "mice") find their lemma.
   */
  readonly lemma?: string;
}

/** Which retriever put a candidate into the set, and the raw signal values the ranker combined. */
export interface CandidateSignals {
  /** Cosine of mention-in-context and entity embeddings (undefined when dense retrieval did not see it). */
  readonly dense?: number;
  /** Lexical name/alias similarity in 0..1. */
  readonly lexical?: number;
  /** True when the mention text equals a title or alias after normalisation. */
  readonly exactName?: boolean;
  /** 'lexical': token search over names (minisearch); 'ngram': character n-grams of names (variant spellings). */
  readonly retrievedBy: readonly ('dense' | 'lexical' | 'ngram' | 'given')[];
  /** Put first by coreference (src/core/coreference): the span of the antecedent the pronoun was resolved to. */
  readonly coreference?: Span;
}

export interface RankedCandidate {
  readonly id: string;
  readonly title: string;
  /** The ranker's combined score (higher is better). */
  readonly score: number;
  /** Softmax of `score` over the retrieved set. */
  readonly probability: number;
  readonly signals: CandidateSignals;
  /** The ranker's input features, in the order of FEATURE_NAMES (ranker.ts), for fitting the weights. */
  readonly features?: readonly number[];
}

export interface LinkedMention extends Span {
  readonly text: string;
  /** Candidates best first. */
  readonly candidates: readonly RankedCandidate[];
  /** True when the linker decides the mention refers to no entity of the KB. */
  readonly nil: boolean;
  /** Score of the best candidate minus the second (Infinity with fewer than two). */
  readonly margin: number;
  /** The highest-scoring entities other than the chosen one, best first. */
  readonly hardNegatives: readonly RankedCandidate[];
  /**
   * Detected as part of a longer capitalised name of the text ("Edinburgh" of "University of Edinburgh"): set by
   * detection (linkDocument, relinkChanged); the learned annotation conventions tell such parts apart.
   */
  readonly partOfName?: boolean;
  /** The mention's in-context vector, when asked for (LinkOptions.mentionVectors): what a decision adds to the exemplar memory. */
  readonly vector?: readonly number[];
}

/** A decision the annotator already made in the document being linked (entityId null: NIL or rejected). */
export interface DocumentDecision extends Span {
  readonly text: string;
  readonly entityId: string | null;
}

/**
 * What the linker may know about the document beyond its text: the decisions already made in it, for one
 * sense per discourse (the same form decided) and coherence (the entities decided elsewhere in it).
 */
export interface DocumentContext {
  readonly decisions: readonly DocumentDecision[];
}

export interface LinkOptions {
  readonly signal?: AbortSignal;
  /** How many candidates to return per mention. */
  readonly topK?: number;
  readonly context?: DocumentContext;
  /** Return each mention's in-context vector (LinkedMention.vector), so decisions on it can feed the exemplar memory. */
  readonly mentionVectors?: boolean;
}

/** The linker API. Usable from a worker thread: everything in and out is structured-cloneable. */
export interface DocumentLinker {
  /** Detects mentions in the text and links each. */
  linkDocument(text: string, options?: LinkOptions): Promise<LinkedMention[]>;
  /** Links the given spans (gold spans, the user's selection); no detection. */
  linkSpans(text: string, spans: readonly SpanRequest[], options?: LinkOptions): Promise<LinkedMention[]>;
}
