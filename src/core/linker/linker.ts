import type { TextEncoder } from '../encoder/encoder';
import { LinkerError, throwIfAborted } from '../errors';
import type { VectorIndex } from '../index/vectorIndex';
import type { KnowledgeBase } from '../kb/knowledgeBase';
import type { Logger } from '../log';
import { silentLogger } from '../log';
import { Gazetteer } from './gazetteer';
import { MentionDetector } from '../detection/mentionDetector';
import type { MentionScorer } from '../detection/mentionScorer';
import { builtInWordFrequencies } from '../detection/wordFrequencies';
import type { DetectedMention, DetectionOptions } from './gazetteer';
import { LexicalIndex } from './lexicalIndex';
import type { LexicalOptions } from './lexicalIndex';
import { NgramIndex } from './ngramIndex';
import { changedRegion, paragraphRanges, shiftMention } from './paragraphs';
import type { Range } from './paragraphs';
import { DEFAULT_RANKER_WEIGHTS } from './ranker';
import type { RankerWeights } from './ranker';
import { rankMention } from './rankMention';
import type { CandidateInput } from './rankMention';
import { casedNameKey } from './tokens';
import { DEFAULT_TEMPLATE, entityText, mentionText, templateId } from './textTemplates';
import type { TextTemplateOptions } from './textTemplates';
import type { CandidateSignals, DocumentLinker, LinkedMention, LinkOptions, SpanRequest } from './types';
import { dot } from '../index/exactIndex';

export type RetrieverChoice = 'hybrid' | 'dense' | 'lexical';

export interface LinkerOptions {
  /** NIL when the best candidate's softmax probability is below this. */
  readonly nilThreshold: number;
  /** NIL when the best candidate's ranker score is below this. */
  readonly minScore: number;
  /** Candidates returned per mention (LinkOptions.topK overrides per call). */
  readonly topK: number;
  /** Entities taken from the vector index per mention. */
  readonly denseTopN: number;
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
}

export const DEFAULT_LINKER_OPTIONS: LinkerOptions = {
  nilThreshold: 0,
  minScore: -Infinity,
  topK: 10,
  denseTopN: 32,
  lexicalTopN: 16,
  ngramTopN: 16,
  ngramThreshold: 0.3,
  hardNegatives: 5,
  batchSize: 64,
  retrievers: 'hybrid',
  detection: {},
  lexical: {},
  template: DEFAULT_TEMPLATE,
  entityVectorCache: 20000,
  nameQuery: true,
};

export interface LinkerInit {
  readonly kb: KnowledgeBase;
  readonly encoder: TextEncoder;
  /** Vectors of the entity texts (`entityText`), searched for dense candidates; without it every candidate is lexical. */
  readonly index?: VectorIndex;
  /** KB row of each index row, when the index does not hold the KB in order. */
  readonly entityIndexRows?: readonly number[];
  /** The stored vector of a KB row, when the index keeps them (saves encoding given candidates). */
  readonly entityVector?: (row: number) => Float32Array | undefined;
  readonly rankerWeights?: RankerWeights;
  /** A trained mention scorer (src/core/detection): detection keeps only the spans it accepts. */
  readonly mentionScorer?: MentionScorer;
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
}

export class Linker implements DocumentLinker {
  readonly options: LinkerOptions;
  readonly templateId: string;
  readonly timings: StageTimings = { detection: 0, encoding: 0, retrieval: 0, ranking: 0, mentions: 0 };
  private readonly kb: KnowledgeBase;
  private readonly encoder: TextEncoder;
  private readonly index: VectorIndex | undefined;
  private readonly indexRows: readonly number[] | undefined;
  private readonly storedVector: ((row: number) => Float32Array | undefined) | undefined;
  private readonly weights: RankerWeights;
  private readonly logger: Logger;
  private gazetteerCache: Gazetteer | undefined;
  private detectorCache: MentionDetector | undefined;
  private scorer: MentionScorer | undefined;
  private lexicalCache: LexicalIndex | undefined;
  private ngramCache: NgramIndex | undefined;
  private readonly entityVectors = new Map<number, Float32Array>();

  constructor(init: LinkerInit) {
    this.kb = init.kb;
    this.encoder = init.encoder;
    this.index = init.index;
    this.indexRows = init.entityIndexRows;
    // Without an explicit lookup, an index that holds the KB in row order gives the stored vectors.
    const index = init.index;
    this.storedVector = init.entityVector ?? (index !== undefined && init.entityIndexRows === undefined ? (row) => index.vector(row) : undefined);
    this.weights = init.rankerWeights ?? DEFAULT_RANKER_WEIGHTS;
    this.logger = init.logger ?? silentLogger;
    this.scorer = init.mentionScorer;
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

  /** The name dictionary, built on first use (seconds for 100k+ names). */
  get gazetteer(): Gazetteer {
    if (this.gazetteerCache === undefined) {
      const t = performance.now();
      this.gazetteerCache = new Gazetteer(this.kb.entities, this.options.detection);
      this.logger.debug(`gazetteer: ${this.gazetteerCache.nameCount} names in ${Math.round(performance.now() - t)} ms`);
    }
    return this.gazetteerCache;
  }

  /** Dictionary matches, the function-word rule, and the mention scorer when there is one. */
  get detector(): MentionDetector {
    this.detectorCache ??= new MentionDetector({ gazetteer: this.gazetteer, frequencies: builtInWordFrequencies(), scorer: this.scorer });
    return this.detectorCache;
  }

  get mentionScorer(): MentionScorer | undefined {
    return this.scorer;
  }

  /** Replaces the mention scorer (a refit while annotating); undefined returns to dictionary detection. */
  setMentionScorer(scorer: MentionScorer | undefined): void {
    this.scorer = scorer;
    if (this.detectorCache !== undefined) this.detectorCache.scorer = scorer;
  }

  get lexical(): LexicalIndex {
    if (this.lexicalCache === undefined) {
      const t = performance.now();
      this.lexicalCache = new LexicalIndex(this.kb.entities, this.options.lexical);
      this.logger.debug(`lexical index built in ${Math.round(performance.now() - t)} ms`);
    }
    return this.lexicalCache;
  }

  /** The character n-gram index over every name and alias, built on first use (0.2 s for wiki11k, 0.7 s for WordNet). */
  get ngram(): NgramIndex {
    if (this.ngramCache === undefined) {
      const t = performance.now();
      this.ngramCache = new NgramIndex(this.kb.entities, { threshold: this.options.ngramThreshold });
      this.logger.debug(`n-gram index: ${this.ngramCache.stats.names} names in ${Math.round(performance.now() - t)} ms`);
    }
    return this.ngramCache;
  }

  /** Mention detection only, paragraph by paragraph (a name never spans a blank line). */
  detect(text: string, within?: Range): DetectedMention[] {
    const out: DetectedMention[] = [];
    for (const [a, b] of paragraphRanges(text)) {
      if (within !== undefined && (b < within[0] || a > within[1])) continue;
      out.push(...this.detector.detect(text, a, b));
    }
    return out;
  }

  async linkDocument(text: string, options: LinkOptions = {}): Promise<LinkedMention[]> {
    this.resetTimings();
    const t = performance.now();
    const detected = this.detect(text);
    this.timings.detection += performance.now() - t;
    return this.linkJobs(text, detected.map((d) => ({ start: d.start, end: d.end, text: d.text, detectedRows: d.rows })), options);
  }

  async linkSpans(text: string, spans: readonly SpanRequest[], options: LinkOptions = {}): Promise<LinkedMention[]> {
    this.resetTimings();
    const jobs = spans.map((s, i): MentionJob => {
      if (!(s.start >= 0 && s.end > s.start && s.end <= text.length)) {
        throw new LinkerError('usage', `Span ${i} [${s.start}, ${s.end}) is not inside the text (length ${text.length}).`);
      }
      const job: MentionJob = { start: s.start, end: s.end, text: text.slice(s.start, s.end) };
      if (s.candidateIds === undefined) return job;
      const givenRows: number[] = [];
      for (const id of s.candidateIds) {
        const row = this.kb.rowOf(id);
        if (row === undefined) this.logger.warn(`linkSpans: candidate id "${id}" is not in the KB "${this.kb.name}"; skipped.`);
        else if (!givenRows.includes(row)) givenRows.push(row);
      }
      return { ...job, givenRows };
    });
    return this.linkJobs(text, jobs, options);
  }

  /**
   * Re-links only the paragraphs that differ between `previousText` and `newText`; the mentions of the other
   * paragraphs are reused, shifted by the length change. Equal to `linkDocument(newText)` because detection
   * and mention contexts never cross a paragraph break.
   */
  async relinkChanged(previousText: string, previousResult: readonly LinkedMention[], newText: string, options: LinkOptions = {}): Promise<LinkedMention[]> {
    this.resetTimings();
    const region = changedRegion(previousText, newText);
    if (region === undefined) return [...previousResult];
    const delta = newText.length - previousText.length;
    const t = performance.now();
    const detected = this.detect(newText, [region.from, region.toNew]).filter((d) => d.start >= region.from && d.end <= region.toNew);
    this.timings.detection += performance.now() - t;
    const fresh = await this.linkJobs(newText, detected.map((d) => ({ start: d.start, end: d.end, text: d.text, detectedRows: d.rows })), options);
    const before = previousResult.filter((m) => m.end <= region.from);
    const after = previousResult.filter((m) => m.start >= region.toOld).map((m) => shiftMention(m, delta));
    return [...before, ...fresh, ...after];
  }

  private resetTimings(): void {
    this.timings.detection = 0;
    this.timings.encoding = 0;
    this.timings.retrieval = 0;
    this.timings.ranking = 0;
    this.timings.mentions = 0;
  }

  private async linkJobs(text: string, jobs: readonly MentionJob[], options: LinkOptions): Promise<LinkedMention[]> {
    const { signal } = options;
    const topK = options.topK ?? this.options.topK;
    const useDense = this.options.retrievers !== 'lexical';
    const useLexical = this.options.retrievers !== 'dense';
    const paras = paragraphRanges(text);
    const out: LinkedMention[] = [];
    this.timings.mentions += jobs.length;
    for (let b = 0; b < jobs.length; b += this.options.batchSize) {
      throwIfAborted(signal);
      const batch = jobs.slice(b, b + this.options.batchSize);
      let t = performance.now();
      const vectors = useDense ? await this.encoder.encode(batch.map((j) => mentionText(text, j, this.options.template, paragraphOf(paras, j.start))), { signal, role: 'mention' }) : [];
      const nameJobs = useDense && this.options.nameQuery && this.index !== undefined ? batch.filter((j) => j.givenRows === undefined) : [];
      const nameVectors = new Map<MentionJob, Float32Array>();
      if (nameJobs.length > 0) {
        const named = await this.encoder.encode(nameJobs.map((j) => j.text), { signal, role: 'mention' });
        nameJobs.forEach((j, i) => nameVectors.set(j, named[i]));
      }
      this.timings.encoding += performance.now() - t;
      throwIfAborted(signal);
      t = performance.now();
      const pools = batch.map((job, i) => this.retrieve(job, useDense ? vectors[i] : undefined, nameVectors.get(job), useLexical));
      if (useDense) {
        const need = new Set<number>();
        for (const pool of pools) for (const [row, c] of pool) if (c.dense === undefined && this.storedVector?.(row) === undefined && (c.given || c.exact || this.index === undefined)) need.add(row);
        await this.ensureEntityVectors([...need], signal);
        pools.forEach((pool, i) => {
          for (const [row, c] of pool) {
            if (c.dense !== undefined) continue;
            const v = this.entityVectors.get(row) ?? this.storedVector?.(row);
            if (v !== undefined) c.dense = dot(vectors[i], 0, v, vectors[i].length);
          }
        });
      }
      this.timings.retrieval += performance.now() - t;
      t = performance.now();
      batch.forEach((job, i) => {
        const inputs: CandidateInput[] = [];
        for (const [row, c] of pools[i]) {
          const givenRank = job.givenRows?.indexOf(row);
          inputs.push({
            row,
            ...(givenRank === undefined ? {} : { givenRank }),
            retrievedBy: c.by,
            ...(c.dense === undefined ? {} : { dense: c.dense }),
            lexical: this.lexical.similarity(job.text, row),
            exactName: c.exact,
            // Case counts here: "Apple" names the company more than the fruit whose title is "apple".
            exactTitle: c.exact && casedNameKey(job.text) === casedNameKey(this.kb.entities[row].title),
          });
        }
        out.push(rankMention(job, inputs, this.kb.entities, this.weights, { ...this.options, topK }));
      });
      this.timings.ranking += performance.now() - t;
    }
    return out;
  }

  private retrieve(job: MentionJob, vector: Float32Array | undefined, nameVector: Float32Array | undefined, useLexical: boolean): Map<number, PoolEntry> {
    const pool = new Map<number, PoolEntry>();
    const exactRows = new Set(this.lexical.exactRows(job.text));
    const add = (row: number, by: CandidateSignals['retrievedBy'][number], dense?: number): void => {
      let e = pool.get(row);
      if (e === undefined) {
        e = { by: [], dense: undefined, exact: exactRows.has(row), given: by === 'given' };
        pool.set(row, e);
      }
      if (!e.by.includes(by)) e.by.push(by);
      if (dense !== undefined) e.dense = dense;
    };
    if (job.givenRows !== undefined) {
      for (const row of job.givenRows) add(row, 'given');
      return pool;
    }
    if (vector !== undefined && this.index !== undefined) {
      for (const hit of this.index.search(vector, this.options.denseTopN)) {
        const row = this.indexRows === undefined ? hit.row : this.indexRows[hit.row];
        if (row !== undefined) add(row, 'dense', hit.score);
      }
    }
    if (nameVector !== undefined && this.index !== undefined) {
      // Scored later by the in-context cosine (from the stored vector), like every other candidate.
      for (const hit of this.index.search(nameVector, this.options.denseTopN)) {
        const row = this.indexRows === undefined ? hit.row : this.indexRows[hit.row];
        if (row !== undefined) add(row, 'dense');
      }
    }
    if (useLexical) {
      for (const row of job.detectedRows ?? []) add(row, 'lexical');
      for (const hit of this.lexical.retrieve(job.text, this.options.lexicalTopN)) add(hit.row, 'lexical');
      if (this.options.ngramTopN > 0) for (const hit of this.ngram.retrieve(job.text, this.options.ngramTopN)) add(hit.row, 'ngram');
    } else if (this.index === undefined) {
      for (const row of job.detectedRows ?? []) add(row, 'lexical');
    }
    return pool;
  }

  /** Encodes the entity texts of rows whose vectors are not cached yet (given and exact-name candidates). */
  private async ensureEntityVectors(rows: number[], signal: AbortSignal | undefined): Promise<void> {
    const missing = rows.filter((r) => !this.entityVectors.has(r) && this.storedVector?.(r) === undefined);
    if (missing.length === 0) return;
    const t = performance.now();
    const vecs = await this.encoder.encode(
      missing.map((r) => entityText(this.kb.entities[r], this.options.template)),
      { signal, batchSize: this.options.batchSize, role: 'entity' },
    );
    this.timings.encoding += performance.now() - t;
    this.timings.retrieval -= performance.now() - t;
    if (this.entityVectors.size + missing.length > this.options.entityVectorCache) this.entityVectors.clear();
    missing.forEach((r, i) => this.entityVectors.set(r, vecs[i]));
  }
}

interface PoolEntry {
  by: ('dense' | 'lexical' | 'ngram' | 'given')[];
  dense: number | undefined;
  exact: boolean;
  given: boolean;
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
