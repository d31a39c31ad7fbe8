import type { TokenStates } from '../encoder/encoder';
import { SeededRandom } from '../training/seededRandom';

/**
 * A fixed orthonormal basis of the token states' leading directions (uncentred PCA: the eigenvectors of the
 * second-moment matrix, so the basis keeps what inner products see). Training the SOM projections on states
 * reduced to this basis costs a fraction of training on the encoder's 512 dimensions; the trained projection
 * composed with the basis (`composeProjection`) then reads the encoder's states directly, with the same scores.
 */
export interface PrincipalBasis {
  /** k x dims, row-major, orthonormal rows, leading direction first. */
  readonly rows: Float32Array;
  readonly k: number;
  readonly dims: number;
  /** Share of the states' squared norm the k directions keep. */
  readonly kept: number;
}

/** Fits the basis by subspace iteration on sum_t x_t x_t^T over every token of `samples`; deterministic. */
export function fitPrincipalBasis(samples: readonly TokenStates[], k: number, iterations = 30, seed = 1): PrincipalBasis {
  const dims = samples[0]?.dims ?? 0;
  if (dims === 0 || k < 1 || k > dims) throw new RangeError(`Cannot fit ${k} directions to ${dims}-d states.`);
  const c = new Float64Array(dims * dims);
  let trace = 0;
  for (const s of samples) {
    if (s.dims !== dims) throw new RangeError(`Token states of mixed width (${s.dims} and ${dims}).`);
    for (let t = 0; t < s.tokens; t++) {
      const o = t * dims;
      for (let a = 0; a < dims; a++) {
        const xa = s.data[o + a]!;
        if (xa === 0) continue;
        trace += xa * xa;
        const row = a * dims;
        for (let b = a; b < dims; b++) c[row + b] = c[row + b]! + xa * s.data[o + b]!;
      }
    }
  }
  for (let a = 0; a < dims; a++) for (let b = 0; b < a; b++) c[a * dims + b] = c[b * dims + a]!;
  const rng = new SeededRandom(seed);
  let v = new Float64Array(k * dims).map(() => rng.next() - 0.5);
  orthonormalise(v, k, dims);
  for (let it = 0; it < iterations; it++) {
    const next = new Float64Array(k * dims);
    for (let r = 0; r < k; r++) {
      for (let a = 0; a < dims; a++) {
        let s = 0;
        const row = a * dims;
        for (let b = 0; b < dims; b++) s += c[row + b]! * v[r * dims + b]!;
        next[r * dims + a] = s;
      }
    }
    orthonormalise(next, k, dims);
    v = next;
  }
  // Order by the captured energy (Rayleigh quotients).
  const energy = Array.from({ length: k }, (_, r) => {
    let e = 0;
    for (let a = 0; a < dims; a++) {
      let s = 0;
      for (let b = 0; b < dims; b++) s += c[a * dims + b]! * v[r * dims + b]!;
      e += v[r * dims + a]! * s;
    }
    return e;
  });
  const order = energy.map((_, r) => r).sort((a, b) => energy[b]! - energy[a]!);
  const rows = new Float32Array(k * dims);
  order.forEach((r, i) => rows.set(v.subarray(r * dims, (r + 1) * dims), i * dims));
  const kept = trace === 0 ? 0 : energy.reduce((a, b) => a + b, 0) / trace;
  return { rows, k, dims, kept };
}

/** Gram-Schmidt on the k rows of v, in place. */
function orthonormalise(v: Float64Array, k: number, dims: number): void {
  for (let r = 0; r < k; r++) {
    const ro = r * dims;
    for (let p = 0; p < r; p++) {
      const po = p * dims;
      let dot = 0;
      for (let a = 0; a < dims; a++) dot += v[ro + a]! * v[po + a]!;
      for (let a = 0; a < dims; a++) v[ro + a] = v[ro + a]! - dot * v[po + a]!;
    }
    let n = 0;
    for (let a = 0; a < dims; a++) n += v[ro + a]! * v[ro + a]!;
    n = Math.sqrt(n) || 1;
    for (let a = 0; a < dims; a++) v[ro + a] = v[ro + a]! / n;
  }
}

/** The states in basis coordinates (k numbers per token), keeping at most `maxTokens` tokens. */
export function reduceStates(states: TokenStates, basis: PrincipalBasis, maxTokens = Infinity): TokenStates {
  if (states.dims !== basis.dims) throw new RangeError(`A basis of ${basis.dims}-d states cannot reduce ${states.dims}-d states.`);
  const tokens = Math.min(states.tokens, maxTokens);
  const { k, dims } = basis;
  const out = new Float32Array(tokens * k);
  for (let t = 0; t < tokens; t++) {
    for (let r = 0; r < k; r++) {
      let s = 0;
      for (let a = 0; a < dims; a++) s += basis.rows[r * dims + a]! * states.data[t * dims + a]!;
      out[t * k + r] = s;
    }
  }
  return { tokens, dims: k, data: out };
}

/** projection (outDims x k) times basis (k x dims): one outDims x dims matrix reading the original states. */
export function composeProjection(projection: Float32Array, outDims: number, basis: PrincipalBasis): Float32Array {
  const { k, dims } = basis;
  if (projection.length !== outDims * k) throw new RangeError(`A ${outDims}x${projection.length / outDims} projection does not follow a ${k}-direction basis.`);
  const out = new Float32Array(outDims * dims);
  for (let r = 0; r < outDims; r++) {
    for (let j = 0; j < k; j++) {
      const w = projection[r * k + j]!;
      if (w === 0) continue;
      for (let a = 0; a < dims; a++) out[r * dims + a] = out[r * dims + a]! + w * basis.rows[j * dims + a]!;
    }
  }
  return out;
}
