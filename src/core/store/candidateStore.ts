import type { VectorHit, VectorIndex } from '../index/vectorIndex';
import type { LexicalIndex } from '../linker/lexicalIndex';
import type { NgramIndex } from '../linker/ngramIndex';

/**
 * Candidate retrieval for one batch of mentions, asynchronous so that it can run in another process (a database
 * server). Two implementations: the embedded indexes of this process (EmbeddedCandidateStore, the reference) and
 * a PostgreSQL store with pgvector and pg_trgm (PgCandidateStore). The linker takes either (LinkerInit.candidateStore)
 * and ranks what comes back the same way.
 */
export interface CandidateQuery {
  /** The mention's surface text (lexical and n-gram retrieval, exact names). */
  readonly text: string;
  /** The in-context mention vector (dense retrieval); absent: no dense hits. */
  readonly vector?: Float32Array;
  /** The bare-name vector (a second dense query); absent: none. */
  readonly nameVector?: Float32Array;
  /** Rows whose stored vectors the caller will need besides the hits (detected, given, learned candidates). */
  readonly rows?: readonly number[];
}

export interface CandidateLimits {
  /** Hits per dense query (each of `vector` and `nameVector`). */
  readonly dense: number;
  readonly lexical: number;
  /** N-gram (variant spelling) hits; 0 turns them off. */
  readonly ngram: number;
  /** No lexical or n-gram hits at all (dense-only retrieval). */
  readonly lexicalOff?: boolean;
}

export interface ScoredRow {
  readonly row: number;
  readonly score: number;
}

export interface RetrievedCandidates {
  /** Rows with a name equal to the mention after normalisation (nameKey), in KB order. */
  readonly exactRows: readonly number[];
  readonly dense: readonly VectorHit[];
  readonly nameDense: readonly VectorHit[];
  /** Name matches, exact names first. */
  readonly lexical: readonly ScoredRow[];
  readonly ngram: readonly ScoredRow[];
}

export interface CandidateStore {
  readonly kind: 'embedded' | 'postgres';
  readonly size: number;
  readonly dims: number;
  /** One result per query, in order. */
  retrieve(queries: readonly CandidateQuery[], limits: CandidateLimits, signal?: AbortSignal): Promise<RetrievedCandidates[]>;
  /** The stored vector of a row returned (or named in `rows`) by a recent retrieve; undefined otherwise. */
  vector(row: number): Float32Array | undefined;
  close(): Promise<void>;
}

/** The reference implementation: the vector index and the name indexes of this process. */
export class EmbeddedCandidateStore implements CandidateStore {
  readonly kind = 'embedded';

  constructor(
    private readonly index: VectorIndex,
    private readonly lexicalIndex: LexicalIndex,
    private readonly ngramIndex: NgramIndex,
  ) {}

  get size(): number {
    return this.index.size;
  }

  get dims(): number {
    return this.index.dims;
  }

  async retrieve(queries: readonly CandidateQuery[], limits: CandidateLimits): Promise<RetrievedCandidates[]> {
    return queries.map((q) => ({
      exactRows: this.lexicalIndex.exactRows(q.text),
      dense: q.vector === undefined ? [] : this.index.search(q.vector, limits.dense),
      nameDense: q.nameVector === undefined ? [] : this.index.search(q.nameVector, limits.dense),
      lexical: limits.lexicalOff === true ? [] : this.lexicalIndex.retrieve(q.text, limits.lexical),
      ngram: limits.lexicalOff === true || limits.ngram <= 0 ? [] : this.ngramIndex.retrieve(q.text, limits.ngram).map((h) => ({ row: h.row, score: h.similarity })),
    }));
  }

  vector(row: number): Float32Array | undefined {
    return row >= 0 && row < this.index.size ? this.index.vector(row) : undefined;
  }

  async close(): Promise<void> {}
}
