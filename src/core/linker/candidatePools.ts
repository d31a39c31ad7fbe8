import { searchMany } from '../index/searchBatch';
import type { VectorHit, VectorIndex } from '../index/vectorIndex';
import type { CandidateSignals } from './types';

/** One candidate of a mention's pool: which retrievers found it and its dense scores (filled in later). */
export interface PoolEntry {
  by: CandidateSignals['retrievedBy'][number][];
  dense: number | undefined;
  nameDense: number | undefined;
  exact: boolean;
  given: boolean;
}

/** A mention to retrieve candidates for. */
export interface PoolRequest {
  readonly text: string;
  /** Rows found by the gazetteer (detection). */
  readonly detectedRows?: readonly number[];
  /** Score exactly these rows (no retrieval). */
  readonly givenRows?: readonly number[];
  /** Score these rows besides the retrieved ones. */
  readonly extraRows?: readonly number[];
  /** The in-context query vector, when dense retrieval runs. */
  readonly vector?: Float32Array;
  /** The bare mention's vector (the name query), when it runs. */
  readonly nameVector?: Float32Array;
  /** Candidates a candidate store retrieved for this mention (src/core/store): used instead of the local lookups. */
  readonly stored?: StoredCandidates;
}

/** What a candidate store returns per mention (structurally its RetrievedCandidates). */
export interface StoredCandidates {
  readonly exactRows: readonly number[];
  readonly dense: readonly VectorHit[];
  readonly nameDense: readonly { readonly row: number }[];
  readonly lexical: readonly { readonly row: number }[];
  readonly ngram: readonly { readonly row: number }[];
}

/** Where the candidates come from: the vector index and the name retrievers of one linker. */
export interface PoolSources {
  readonly index: VectorIndex | undefined;
  /** KB row of each index row, when the index does not hold the KB in order. */
  readonly indexRows: readonly number[] | undefined;
  readonly denseTopN: number;
  /** The index's search breadth for the dense queries (HNSW efSearch); default the index's own. */
  readonly denseEfSearch?: number;
  readonly lexicalTopN: number;
  readonly ngramTopN: number;
  readonly useLexical: boolean;
  /** Whether a candidate store retrieves (then detected rows without the lexical retriever come from it). */
  readonly storeRetrieves: boolean;
  /** Rows with a name equal to the text (normalised). */
  exactRows(text: string): readonly number[];
  /** Rows the annotator linked this form to (learned names). */
  learnedRows(text: string): readonly number[];
  lexicalHits(text: string, k: number): readonly { readonly row: number }[];
  ngramHits(text: string, k: number): readonly { readonly row: number }[];
}

/** What depends only on a mention's text: looked up once per distinct text of a document. */
interface TextHits {
  readonly learned: readonly number[];
  /** Exact names and learned forms; token and n-gram retrieval: each looked up on first use. */
  exact?: ReadonlySet<number>;
  lexical?: readonly number[];
  ngram?: readonly number[];
  nameDense: readonly number[];
}

/**
 * The candidate pools of a document's mentions, in mention order. The same name is looked up once per document
 * (exact names, learned forms, token and n-gram retrieval, the bare-name index query), and every index query of
 * the document (one in-context query per mention, one name query per distinct text) goes to the index in one
 * `searchMany` call. Each pool holds the same rows, in the same order, as `retrievePools` called with that mention
 * alone (the per-mention path; unit-tested).
 */
export function retrievePools(requests: readonly PoolRequest[], sources: PoolSources): Map<number, PoolEntry>[] {
  const byText = new Map<string, TextHits>();
  const queries: Float32Array[] = [];
  const contextQuery = new Int32Array(requests.length).fill(-1);
  const nameQuery = new Map<string, number>();
  requests.forEach((req, i) => {
    if (!byText.has(req.text)) byText.set(req.text, { learned: sources.learnedRows(req.text), nameDense: [] });
    if (req.givenRows !== undefined || sources.index === undefined) return;
    if (req.vector !== undefined) contextQuery[i] = queries.push(req.vector) - 1;
    if (req.nameVector !== undefined && !nameQuery.has(req.text)) nameQuery.set(req.text, queries.push(req.nameVector) - 1);
  });
  const hits = sources.index === undefined || queries.length === 0 ? [] : searchMany(sources.index, queries, sources.denseTopN, { efSearch: sources.denseEfSearch });
  const rowOf = (hit: VectorHit): number | undefined => (sources.indexRows === undefined ? hit.row : sources.indexRows[hit.row]);
  for (const [text, q] of nameQuery) {
    const rows: number[] = [];
    for (const hit of hits[q]!) {
      const row = rowOf(hit);
      if (row !== undefined) rows.push(row);
    }
    byText.get(text)!.nameDense = rows;
  }
  return requests.map((req, i) => {
    const local = byText.get(req.text)!;
    const found = req.stored === undefined ? local : storedHits(req.stored, local.learned);
    const pool = new PoolBuilder(req.text, found, sources);
    if (req.givenRows !== undefined) {
      for (const row of req.givenRows) pool.add(row, 'given');
      return pool.entries;
    }
    if (contextQuery[i]! >= 0) {
      for (const hit of hits[contextQuery[i]!]!) {
        const row = rowOf(hit);
        if (row !== undefined) pool.add(row, 'dense', hit.score);
      }
    }
    // Scored later by the in-context cosine (from the stored vector), like every other candidate.
    if (req.nameVector !== undefined && sources.index !== undefined) for (const row of local.nameDense) pool.add(row, 'dense');
    for (const hit of req.stored?.dense ?? []) pool.add(hit.row, 'dense', hit.score);
    for (const hit of req.stored?.nameDense ?? []) pool.add(hit.row, 'dense');
    addNameRows(pool, req, found, sources);
    return pool.entries;
  });
}

/** Learned forms, given extras, and the name retrievers' rows, in the order every pool adds them. */
function addNameRows(pool: PoolBuilder, req: PoolRequest, found: TextHits, sources: PoolSources): void {
  for (const row of found.learned) pool.add(row, 'lexical');
  for (const row of req.extraRows ?? []) pool.add(row, 'given');
  if (sources.useLexical) {
    for (const row of req.detectedRows ?? []) pool.add(row, 'lexical');
    found.lexical ??= sources.lexicalHits(req.text, sources.lexicalTopN).map((h) => h.row);
    for (const row of found.lexical) pool.add(row, 'lexical');
    if (sources.ngramTopN > 0) {
      found.ngram ??= sources.ngramHits(req.text, sources.ngramTopN).map((h) => h.row);
      for (const row of found.ngram) pool.add(row, 'ngram');
    }
  } else if (sources.index === undefined && !sources.storeRetrieves) {
    for (const row of req.detectedRows ?? []) pool.add(row, 'lexical');
  }
}

/** A store's answer as the per-text hits (learned forms are the linker's own, added as names). */
function storedHits(stored: StoredCandidates, learned: readonly number[]): TextHits {
  return {
    exact: new Set([...stored.exactRows, ...learned]),
    learned,
    lexical: stored.lexical.map((h) => h.row),
    ngram: stored.ngram.map((h) => h.row),
    nameDense: [],
  };
}

class PoolBuilder {
  readonly entries = new Map<number, PoolEntry>();
  private readonly exact: ReadonlySet<number>;

  constructor(text: string, found: TextHits, sources: PoolSources) {
    // Forms the annotator linked count as names of the entities they were linked to.
    this.exact = found.exact ??= new Set([...sources.exactRows(text), ...found.learned]);
  }

  add(row: number, by: PoolEntry['by'][number], dense?: number): void {
    let e = this.entries.get(row);
    if (e === undefined) {
      e = { by: [], dense: undefined, nameDense: undefined, exact: this.exact.has(row), given: by === 'given' };
      this.entries.set(row, e);
    }
    if (!e.by.includes(by)) e.by.push(by);
    if (dense !== undefined) e.dense = dense;
  }
}
