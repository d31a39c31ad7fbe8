/**
 * The few dense operations training the scoring head needs (its forward pass is encoder/finetuned/head.ts's),
 * over row-major Float32Arrays. Hand-written because the head is a pair of d x d maps trained in-process on a
 * CPU: pulling in a tensor library (and its native build) for matrix-vector products and rank-1 updates is not
 * worth it. Inner products and normalisation are ../vectorMath.ts's.
 */

import { dotAt } from '../vectorMath';

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

/** log(sum(exp(s))) without overflow. */
export function logSumExp(s: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < s.length; i++) if (s[i]! > max) max = s[i]!;
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += Math.exp(s[i]! - max);
  return max + Math.log(sum);
}
