import { LinkerError } from '../errors';
import type { SearchOptions, VectorHit, VectorIndex } from './vectorIndex';
import { dotAt } from '../vectorMath';

/**
 * The reference index: brute-force inner product over every row. Slow on big KBs, but exact, so it is what the
 * HNSW index's recall is measured against, and the right choice for small KBs where a graph does not pay off.
 * Vectors live in one contiguous row-major Float32Array (n x dims): no per-vector objects.
 */
export class ExactIndex implements VectorIndex {
  readonly kind = 'exact' as const;
  readonly dims: number;
  readonly size: number;
  /** Row-major n x dims; shared, not copied: callers must not mutate it while the index is in use. */
  readonly vectors: Float32Array;

  constructor(vectors: Float32Array, dims: number) {
    checkShape(vectors, dims);
    this.dims = dims;
    this.size = vectors.length / dims;
    this.vectors = vectors;
  }

  vector(row: number): Float32Array {
    checkRow(row, this.size);
    return this.vectors.subarray(row * this.dims, (row + 1) * this.dims);
  }

  search(query: Float32Array, k: number): VectorHit[] {
    checkQuery(query, this.dims);
    const top = new TopK(Math.min(k, this.size));
    if (top.capacity === 0) {
      return [];
    }
    const dims = this.dims;
    const data = this.vectors;
    for (let row = 0, base = 0; row < this.size; row++, base += dims) {
      top.offer(row, dotAt(data, base, query, 0, dims));
    }
    return top.sortedHits();
  }

  /**
   * `search` for many queries at once, over the rows in blocks: each block is read from memory once for all the
   * queries instead of once per query. Every (query, row) score is the same dotAt as in `search`, offered in the
   * same row order, so the hits are identical. The search breadth option is HNSW's: exact search has none.
   */
  searchMany(queries: readonly Float32Array[], k: number, _options?: SearchOptions): VectorHit[][] {
    for (const q of queries) checkQuery(q, this.dims);
    const tops = queries.map(() => new TopK(Math.min(k, this.size)));
    if (queries.length === 0 || tops[0]!.capacity === 0) return queries.map(() => []);
    const dims = this.dims;
    const data = this.vectors;
    for (let start = 0; start < this.size; start += SCAN_BLOCK_ROWS) {
      const end = Math.min(this.size, start + SCAN_BLOCK_ROWS);
      for (let q = 0; q < queries.length; q++) {
        const query = queries[q]!;
        const top = tops[q]!;
        for (let row = start, base = start * dims; row < end; row++, base += dims) top.offer(row, dotAt(data, base, query, 0, dims));
      }
    }
    return tops.map((top) => top.sortedHits());
  }
}

/** Rows per block of a many-query scan: 128 rows of 512 floats are 256 KiB, which stay in a core's L2 cache. */
const SCAN_BLOCK_ROWS = 128;

/**
 * The k best (row, score) pairs seen so far, as a binary min-heap on score in two typed arrays, so a scan over
 * 100k rows allocates nothing per row. Ties break towards the lower row, which makes results deterministic.
 */
export class TopK {
  readonly capacity: number;
  private readonly rows: Int32Array;
  private readonly scores: Float64Array;
  private count = 0;

  constructor(capacity: number) {
    this.capacity = Math.max(0, Math.floor(capacity));
    this.rows = new Int32Array(this.capacity);
    this.scores = new Float64Array(this.capacity);
  }

  /** Whether (row, score) ranks below (otherRow, otherScore). */
  private static worse(score: number, row: number, otherScore: number, otherRow: number): boolean {
    return score < otherScore || (score === otherScore && row > otherRow);
  }

  offer(row: number, score: number): void {
    if (this.count < this.capacity) {
      let i = this.count++;
      // sift up
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!TopK.worse(score, row, this.scores[parent]!, this.rows[parent]!)) {
          break;
        }
        this.scores[i] = this.scores[parent]!;
        this.rows[i] = this.rows[parent]!;
        i = parent;
      }
      this.scores[i] = score;
      this.rows[i] = row;
      return;
    }
    if (this.capacity === 0 || !TopK.worse(this.scores[0]!, this.rows[0]!, score, row)) {
      return;
    }
    // replace the root (the worst kept) and sift down
    let i = 0;
    const n = this.count;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) {
        break;
      }
      const right = left + 1;
      let child = left;
      if (right < n && TopK.worse(this.scores[right]!, this.rows[right]!, this.scores[left]!, this.rows[left]!)) {
        child = right;
      }
      if (!TopK.worse(this.scores[child]!, this.rows[child]!, score, row)) {
        break;
      }
      this.scores[i] = this.scores[child]!;
      this.rows[i] = this.rows[child]!;
      i = child;
    }
    this.scores[i] = score;
    this.rows[i] = row;
  }

  /** The kept pairs, best first. */
  sortedHits(): VectorHit[] {
    const hits: VectorHit[] = [];
    for (let i = 0; i < this.count; i++) {
      hits.push({ row: this.rows[i]!, score: this.scores[i]! });
    }
    hits.sort((a, b) => b.score - a.score || a.row - b.row);
    return hits;
  }
}

export function checkShape(vectors: Float32Array, dims: number): void {
  if (!Number.isInteger(dims) || dims <= 0) {
    throw new LinkerError('internal', `Vector dimension must be a positive integer, got ${dims}.`);
  }
  if (vectors.length % dims !== 0) {
    throw new LinkerError('internal', `A vector block of ${vectors.length} floats is not a whole number of ${dims}-dimensional rows.`);
  }
}

export function checkQuery(query: Float32Array, dims: number): void {
  if (query.length !== dims) {
    throw new LinkerError('internal', `Query has ${query.length} dimensions; the index has ${dims}.`, {
      hint: 'Encode queries with the same model the index was built with.',
    });
  }
}

export function checkRow(row: number, size: number): void {
  if (!Number.isInteger(row) || row < 0 || row >= size) {
    throw new RangeError(`Row ${row} is outside the index (size ${size}).`);
  }
}
