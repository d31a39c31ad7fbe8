/**
 * A nearest-neighbour index over L2-normalised vectors, searched by inner product (= cosine). Two
 * implementations share this interface: exact brute force (the reference) and HNSW (the fast path), so the
 * recall of the fast path is always measurable against the reference.
 */
export interface VectorHit {
  /** The 0-based row of the vector in the order it was added (the entity's position in the KB). */
  readonly row: number;
  /** Inner product of the query and the vector. */
  readonly score: number;
}

export interface SearchOptions {
  /** HNSW's search breadth for these queries (at least k is used); default the index's own. The exact index ignores it. */
  readonly efSearch?: number;
}

export interface VectorIndex {
  readonly kind: 'exact' | 'hnsw';
  readonly dims: number;
  readonly size: number;
  /** The k best rows, best first. */
  search(query: Float32Array, k: number): VectorHit[];
  /**
   * The k best rows of each query, best first, in query order: equal to `search` per query, and cheaper where
   * an implementation can share work between queries (optional; `searchMany` in searchBatch.ts falls back to
   * `search`).
   */
  searchMany?(queries: readonly Float32Array[], k: number, options?: SearchOptions): VectorHit[][];
  /** The stored vector of a row (a copy or a view; do not modify). */
  vector(row: number): Float32Array;
}
