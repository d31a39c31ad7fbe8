import type * as hnswlib from 'hnswlib-node';
import { LinkerError, throwIfAborted } from '../errors';
import type { ProgressListener } from '../log';
import { checkQuery, checkRow, checkShape } from './exactIndex';
import { HnswFileRows } from './hnswFileRows';
import type { SearchOptions, VectorHit, VectorIndex } from './vectorIndex';
import { assertRegularFileSync } from '../inputFile';

/** HNSW graph parameters. `m` and `efConstruction` shape the graph (changing them needs a rebuild); `efSearch` is
 * a search-time knob and can change freely. */
export interface HnswParams {
  readonly m: number;
  readonly efConstruction: number;
  readonly efSearch: number;
}

/**
 * Defaults from bench/indexRecall.ts on real USE-lite embeddings, recall@64 against the exact index with short
 * mention-like queries: the WordNet KB (118k synsets) needs efSearch=500 for 0.99 (0.96 at 200, 0.98 at 300),
 * still ~19x faster than the exact scan; wiki11k reaches 0.99 at 200. M=32 built 1.6x slower for a small recall
 * gain at equal speed, so M=16. Lower efSearch (setEfSearch, or params) trades recall for speed.
 */
export const DEFAULT_HNSW_PARAMS: HnswParams = { m: 16, efConstruction: 200, efSearch: 500 };

/** The fixed seed makes a rebuild from the same vectors produce the same graph (and the same results). */
const RANDOM_SEED = 100;

type Hnswlib = typeof hnswlib;
let hnswModule: Hnswlib | undefined;

/** Loads hnswlib-node on first use, so code paths that never search (and exact-only KBs) never pay for it. */
export function loadHnswlib(): Hnswlib {
  if (hnswModule === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      hnswModule = require('hnswlib-node') as Hnswlib;
    } catch (e) {
      throw new LinkerError('internal', `hnswlib-node could not be loaded: ${(e as Error).message}.`, {
        hint: 'Reinstall the extension (or run `npm ci` in a checkout), or switch the index kind to "exact".',
        cause: e,
      });
    }
  }
  return hnswModule;
}

export function resolveHnswParams(params: Partial<HnswParams> | undefined): HnswParams {
  const merged = { ...DEFAULT_HNSW_PARAMS, ...(params ?? {}) };
  for (const [key, value] of Object.entries(merged)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new LinkerError('usage', `HNSW parameter ${key} must be a positive integer, got ${String(value)}.`);
    }
  }
  return merged;
}

/**
 * Approximate nearest neighbours with hnswlib-node in its 'ip' space. Vectors must be L2-normalised (the encoder
 * guarantees it), so inner product is cosine. hnswlib reports the distance 1 - dot; hits convert it back to the
 * dot-product score so scores are comparable with the exact index.
 */
export class HnswIndex implements VectorIndex {
  readonly kind = 'hnsw' as const;
  readonly dims: number;
  readonly size: number;
  private readonly graph: hnswlib.HierarchicalNSW;
  private params: HnswParams;
  /** Stored vectors read from the graph file (hnswFileRows.ts) when the index was read from one. */
  private fileRows: HnswFileRows | undefined;

  private constructor(graph: hnswlib.HierarchicalNSW, dims: number, size: number, params: HnswParams) {
    this.graph = graph;
    this.dims = dims;
    this.size = size;
    this.params = params;
    graph.setEf(params.efSearch);
  }

  get hnswParams(): HnswParams {
    return this.params;
  }

  /** Builds the graph from row-major vectors (n x dims). Yields to the event loop now and then so `signal` and
   * progress reports get through during a build that can take a minute. */
  static async build(
    vectors: Float32Array,
    dims: number,
    options: { params?: Partial<HnswParams>; signal?: AbortSignal; onProgress?: ProgressListener } = {},
  ): Promise<HnswIndex> {
    checkShape(vectors, dims);
    const params = resolveHnswParams(options.params);
    const size = vectors.length / dims;
    const { HierarchicalNSW } = loadHnswlib();
    const graph = new HierarchicalNSW('ip', dims);
    // hnswlib rejects maxElements 0; an empty KB still gets a valid (empty) graph of capacity 1.
    graph.initIndex(Math.max(1, size), params.m, params.efConstruction, RANDOM_SEED);
    const chunk = 512;
    for (let start = 0; start < size; start += chunk) {
      throwIfAborted(options.signal);
      const end = Math.min(size, start + chunk);
      for (let row = start; row < end; row++) {
        // hnswlib-node only accepts plain arrays (it checks IsArray), hence the copy per point.
        graph.addPoint(Array.from(vectors.subarray(row * dims, (row + 1) * dims)), row);
      }
      options.onProgress?.({ stage: 'Building HNSW index', done: end, total: size });
      await yieldToEventLoop();
    }
    return new HnswIndex(graph, dims, size, params);
  }

  /** Reads a graph file written by `write`. Throws whatever hnswlib throws; callers treat that as corruption. */
  static read(file: string, dims: number, params: HnswParams): HnswIndex {
    const { HierarchicalNSW } = loadHnswlib();
    const graph = new HierarchicalNSW('ip', dims);
    assertRegularFileSync(file);
    graph.readIndexSync(file);
    const index = new HnswIndex(graph, dims, graph.getCurrentCount(), params);
    index.fileRows = HnswFileRows.open(file, dims, index.size);
    return index;
  }

  /** `read` on one of libuv's threads (hnswlib-node's readIndex), so the caller's thread can work meanwhile. */
  static async readAsync(file: string, dims: number, params: HnswParams): Promise<HnswIndex> {
    const { HierarchicalNSW } = loadHnswlib();
    const graph = new HierarchicalNSW('ip', dims);
    assertRegularFileSync(file);
    await graph.readIndex(file);
    const index = new HnswIndex(graph, dims, graph.getCurrentCount(), params);
    index.fileRows = HnswFileRows.open(file, dims, index.size);
    return index;
  }

  /**
   * Serves stored vectors from `file`, a graph file this index was written to, by pread instead of hnswlib-node's
   * getPoint (a JS array per call); a file of another layout is ignored.
   */
  useFileRows(file: string): void {
    this.fileRows ??= HnswFileRows.open(file, this.dims, this.size);
  }

  /** Writes the graph (with its vectors) to `file`; use through writeAtomic. */
  write(file: string): void {
    this.graph.writeIndexSync(file);
  }

  /** Changes the search-time breadth; higher is slower and closer to exact. */
  setEfSearch(efSearch: number): void {
    this.params = resolveHnswParams({ ...this.params, efSearch });
    this.graph.setEf(efSearch);
  }

  /** hnswlib keeps every added vector (labels are rows); copied out of its storage. */
  vector(row: number): Float32Array {
    checkRow(row, this.size);
    return this.fileRows?.vector(row) ?? Float32Array.from(this.graph.getPoint(row));
  }

  search(query: Float32Array, k: number): VectorHit[] {
    checkQuery(query, this.dims);
    const want = Math.min(Math.max(0, Math.floor(k)), this.size);
    if (want === 0) {
      return [];
    }
    return this.searchArray(Array.from(query), want);
  }

  /**
   * `search` per query (hnswlib-node answers one at a time), through one reused query array; `options.efSearch`
   * sets the breadth for these queries only.
   */
  searchMany(queries: readonly Float32Array[], k: number, options: SearchOptions = {}): VectorHit[][] {
    for (const q of queries) checkQuery(q, this.dims);
    const want = Math.min(Math.max(0, Math.floor(k)), this.size);
    if (want === 0) return queries.map(() => []);
    const buffer = new Array<number>(this.dims);
    const ef = options.efSearch === undefined ? this.params.efSearch : resolveHnswParams({ ...this.params, efSearch: options.efSearch }).efSearch;
    if (ef !== this.params.efSearch) this.graph.setEf(ef);
    try {
      return queries.map((q) => {
        for (let i = 0; i < q.length; i++) buffer[i] = q[i]!;
        return this.searchArray(buffer, want);
      });
    } finally {
      if (ef !== this.params.efSearch) this.graph.setEf(this.params.efSearch);
    }
  }

  private searchArray(query: number[], want: number): VectorHit[] {
    // hnswlib searches with max(ef, k) candidates, so k above efSearch still returns k results.
    const result = this.graph.searchKnn(query, want);
    const hits: VectorHit[] = new Array<VectorHit>(result.neighbors.length);
    for (let i = 0; i < result.neighbors.length; i++) {
      hits[i] = { row: result.neighbors[i]!, score: 1 - result.distances[i]! };
    }
    // hnswlib already returns nearest first; the stable sort only fixes the order of exact ties.
    hits.sort((a, b) => b.score - a.score || a.row - b.row);
    return hits;
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
