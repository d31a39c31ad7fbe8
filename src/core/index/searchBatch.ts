import { LinkerError, throwIfAborted } from '../errors';
import type { ProgressListener } from '../log';
import type { SearchOptions, VectorHit, VectorIndex } from './vectorIndex';

export interface SearchBatchOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
  /** Queries between abort checks, progress reports and event-loop yields. */
  readonly chunk?: number;
}

/**
 * Searches many queries, given row-major in one Float32Array (m x dims) as the encoder's output is packed, or as
 * separate vectors. Returns one best-first hit list per query, in query order. Yields to the event loop between
 * chunks so a long batch (hard-negative mining over a whole corpus) stays cancellable.
 */
export async function searchBatch(
  index: VectorIndex,
  queries: Float32Array | readonly Float32Array[],
  k: number,
  options: SearchBatchOptions = {},
): Promise<VectorHit[][]> {
  const dims = index.dims;
  let count: number;
  let queryAt: (i: number) => Float32Array;
  if (queries instanceof Float32Array) {
    if (queries.length % dims !== 0) {
      throw new LinkerError('internal', `A query block of ${queries.length} floats is not a whole number of ${dims}-dimensional rows.`);
    }
    count = queries.length / dims;
    queryAt = (i) => queries.subarray(i * dims, (i + 1) * dims);
  } else {
    count = queries.length;
    queryAt = (i) => queries[i]!;
  }
  const chunk = Math.max(1, options.chunk ?? 256);
  const results: VectorHit[][] = new Array<VectorHit[]>(count);
  for (let start = 0; start < count; start += chunk) {
    throwIfAborted(options.signal);
    const end = Math.min(count, start + chunk);
    for (let i = start; i < end; i++) {
      results[i] = index.search(queryAt(i), k);
    }
    options.onProgress?.({ stage: 'Searching', done: end, total: count });
    if (end < count) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return results;
}

/** Every query's k best rows, in query order, in one call: the index's own `searchMany` when it has one. */
export function searchMany(index: VectorIndex, queries: readonly Float32Array[], k: number, options?: SearchOptions): VectorHit[][] {
  return index.searchMany?.(queries, k, options) ?? queries.map((q) => index.search(q, k));
}
