/**
 * The few dense operations the scoring head needs, over row-major Float32Arrays. Hand-written because the head
 * is a pair of d x d maps trained in-process on a CPU: pulling in a tensor library (and its native build) for
 * matrix-vector products and rank-1 updates is not worth it. Inner products and normalisation are
 * ../vectorMath.ts's.
 */

import { dotAt, normalizeInPlace } from '../vectorMath';

/** out = x + D x for a square d x d matrix D (the head is the identity plus a learned residual). */
export function residualMatVec(d: Float32Array, x: Float32Array, xOffset: number, dims: number, out: Float32Array): void {
  for (let i = 0; i < dims; i++) {
    out[i] = x[xOffset + i]! + dotAt(d, i * dims, x, xOffset, dims);
  }
}


/**
 * Backward of `n = u / |u|`: given dL/dn, the unit vector n and |u|, writes dL/du = (g - n <n, g>) / |u| into g.
 */
export function normalizeBackward(g: Float32Array, n: Float32Array, norm: number): void {
  if (norm === 0) {
    g.fill(0);
    return;
  }
  const proj = dotAt(g, 0, n, 0, g.length);
  const inv = 1 / norm;
  for (let i = 0; i < g.length; i++) g[i] = (g[i]! - n[i]! * proj) * inv;
}

/** G += a b^T for a d x d matrix G, a and b of length d (b read from `b` at `bOffset`). */
export function addOuter(g: Float32Array, a: Float32Array, b: Float32Array, bOffset: number, dims: number): void {
  for (let i = 0; i < dims; i++) {
    const ai = a[i]!;
    if (ai === 0) continue;
    const base = i * dims;
    for (let j = 0; j < dims; j++) g[base + j] = g[base + j]! + ai * b[bOffset + j]!;
  }
}

/**
 * Projects every row of `vectors` (n x dims) through I + D and normalises it: the mention or entity side of a
 * head applied to a whole KB. Returns a new n x dims array.
 */
export function projectRows(d: Float32Array, vectors: Float32Array, dims: number, signal?: AbortSignal): Float32Array {
  const n = vectors.length / dims;
  const out = new Float32Array(vectors.length);
  if (d.every((v) => v === 0)) {
    // An untrained (or frozen) side is the identity: normalising is all there is to do.
    out.set(vectors);
    for (let r = 0; r < n; r++) normalizeInPlace(out.subarray(r * dims, (r + 1) * dims));
    return out;
  }
  const row = new Float32Array(dims);
  for (let r = 0; r < n; r++) {
    if (signal !== undefined && (r & 1023) === 0 && signal.aborted) break;
    residualMatVec(d, vectors, r * dims, dims, row);
    normalizeInPlace(row);
    out.set(row, r * dims);
  }
  return out;
}

/** log(sum(exp(s))) without overflow. */
export function logSumExp(s: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < s.length; i++) if (s[i]! > max) max = s[i]!;
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += Math.exp(s[i]! - max);
  return max + Math.log(sum);
}
