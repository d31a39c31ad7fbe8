import type { TokenStates } from '../encoder/encoder';

/**
 * Sum-of-max (SOM) scoring, the strongest scorer of Zhang & Stratos 2021 (METHOD.md, ColBERT-style late
 * interaction): every mention-context token picks its best-matching entity-description token, and the matches
 * are summed,
 *
 *   som(m, e) = sum_i max_j < P_m q_i / |P_m q_i| , P_e d_j / |P_e d_j| >
 *
 * where q_i, d_j are the encoder's token states and P_m, P_e small trainable projections (one per side, so the
 * mention and the entity side may learn different views). The projected rows are unit vectors, so every match
 * lies in [-1, 1] and `som / tokens` (the mean of the maxima) is comparable across mentions of different length.
 * SOM keeps a vector per token, so it re-ranks the top candidates of the dense/lexical retrieval only.
 */
export interface SomProjections {
  /** Width of the token states the projections read (the encoder's, or a reduced basis during training). */
  readonly inDims: number;
  /** Width of the projected token vectors. */
  readonly outDims: number;
  /** outDims x inDims, row-major: the mention side. */
  readonly mention: Float32Array;
  /** outDims x inDims, row-major: the entity side. */
  readonly entity: Float32Array;
}

/** Projects each token state and L2-normalises it (a token projected to zero stays zero). Keeps at most `maxTokens` rows. */
export function projectStates(states: TokenStates, matrix: Float32Array, outDims: number, maxTokens = Infinity): TokenStates {
  const inDims = states.dims;
  if (matrix.length !== outDims * inDims) {
    throw new RangeError(`A ${outDims}x${matrix.length / outDims} projection cannot read ${inDims}-d token states.`);
  }
  const tokens = Math.min(states.tokens, maxTokens);
  const out = new Float32Array(tokens * outDims);
  const x = states.data;
  for (let t = 0; t < tokens; t++) {
    const xo = t * inDims;
    const yo = t * outDims;
    let norm = 0;
    for (let r = 0; r < outDims; r++) {
      const mo = r * inDims;
      let s = 0;
      for (let c = 0; c < inDims; c++) s += matrix[mo + c]! * x[xo + c]!;
      out[yo + r] = s;
      norm += s * s;
    }
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let r = 0; r < outDims; r++) out[yo + r] = out[yo + r]! * inv;
    }
  }
  return { tokens, dims: outDims, data: out };
}

/** sum_i max_j <m_i, e_j> over already projected (normalised) rows; 0 when either side has no tokens. */
export function sumOfMax(mention: TokenStates, entity: TokenStates): number {
  if (mention.dims !== entity.dims) {
    throw new RangeError(`Mention rows are ${mention.dims}-d but entity rows ${entity.dims}-d.`);
  }
  if (entity.tokens === 0) return 0;
  const d = mention.dims;
  const m = mention.data;
  const e = entity.data;
  let total = 0;
  for (let i = 0; i < mention.tokens; i++) {
    const mo = i * d;
    let best = -Infinity;
    for (let j = 0; j < entity.tokens; j++) {
      const eo = j * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += m[mo + k]! * e[eo + k]!;
      if (s > best) best = s;
    }
    total += best;
  }
  return total;
}

/** The SOM score of one mention against each candidate, from raw (unprojected) token states. */
export function somScores(projections: SomProjections, mention: TokenStates, candidates: readonly TokenStates[], maxTokens = Infinity): Float64Array {
  const m = projectStates(mention, projections.mention, projections.outDims, maxTokens);
  return Float64Array.from(candidates.map((c) => sumOfMax(m, projectStates(c, projections.entity, projections.outDims, maxTokens))));
}
