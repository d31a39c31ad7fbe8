/**
 * Pooling of token states into one sentence vector, and L2 normalisation. Works on the flat row-major
 * [batch, tokens, dims] buffer that onnxruntime returns, so no per-token arrays are allocated.
 */
export type PoolingMode = 'mean' | 'cls';

export const POOLING_MODES: readonly PoolingMode[] = ['mean', 'cls'];

export interface TokenBatchView {
  readonly data: Float32Array;
  readonly batch: number;
  readonly tokens: number;
  readonly dims: number;
}

/**
 * Pools row `row` of the batch. `length` is the number of real (unpadded) tokens of that row: mean pooling
 * averages exactly those, which is the attention-mask-aware mean of sentence-transformers, since right padding
 * puts every masked position after them.
 */
export function poolRow(view: TokenBatchView, row: number, length: number, mode: PoolingMode): Float32Array {
  const { data, tokens, dims } = view;
  const base = row * tokens * dims;
  const out = new Float32Array(dims);
  if (mode === 'cls' || length <= 0) {
    out.set(data.subarray(base, base + dims));
    return out;
  }
  for (let t = 0; t < length; t++) {
    const offset = base + t * dims;
    for (let d = 0; d < dims; d++) {
      out[d] += data[offset + d];
    }
  }
  for (let d = 0; d < dims; d++) {
    out[d] /= length;
  }
  return out;
}

