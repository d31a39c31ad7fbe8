import { type HeadWeights, projectThroughSide } from '../encoder/finetuned/head';
import { dotAt, normalizeInPlace } from '../vectorMath';
import { addOuter, logSumExp, normalizeBackward } from './denseMath';

/*
 * Training of the scoring head (encoder/finetuned/head.ts: its weights, forward pass, save and load): the
 * contrastive loss of a batch and its gradient.
 */

/** One contrastive example: a mention vector and its candidates, the gold first. */
export interface ContrastiveExample {
  /** Offset of the mention vector in `mentionVectors`. */
  readonly mentionOffset: number;
  /** Candidate keys (KB rows), gold at index 0. */
  readonly candidates: readonly number[];
  /** Subtracted from each candidate's score (the log-q correction of sampled negatives); 0 when absent. */
  readonly correction?: readonly number[];
}

export interface BatchResult {
  /** Mean loss over the batch. */
  readonly loss: number;
}

/**
 * Loss J = -log softmax(s)[0] averaged over the batch, and its gradient added into `grad` (same shape as the
 * head). Each distinct candidate row is projected once per batch, whatever number of examples share it.
 */
export function contrastiveBatch(
  head: HeadWeights,
  mentionVectors: Float32Array,
  entityVectors: Float32Array,
  batch: readonly ContrastiveExample[],
  grad: HeadWeights,
  options: { readonly entityFrozen?: boolean } = {},
): BatchResult {
  const dims = head.dims;
  const frozen = options.entityFrozen === true;
  const scale = Math.exp(head.logScale[0]!);
  // Forward of every distinct entity row.
  const rows = new Map<number, number>();
  for (const ex of batch) for (const r of ex.candidates) if (!rows.has(r)) rows.set(r, rows.size);
  const e = new Float32Array(rows.size * dims);
  const eNorm = new Float64Array(rows.size);
  const eGrad = new Float32Array(rows.size * dims);
  const tmp = new Float32Array(dims);
  for (const [r, slot] of rows) {
    // A frozen entity side is the identity: skip the d x d product, the bulk of a step's cost.
    if (frozen) tmp.set(entityVectors.subarray(r * dims, (r + 1) * dims));
    eNorm[slot] = frozen ? normalizeInPlace(tmp) : projectThroughSide(head.entity, entityVectors, r * dims, dims, tmp);
    e.set(tmp, slot * dims);
  }
  const inv = 1 / batch.length;
  let loss = 0;
  let scaleGrad = 0;
  const m = new Float32Array(dims);
  const mGrad = new Float32Array(dims);
  for (const ex of batch) {
    const mNorm = projectThroughSide(head.mention, mentionVectors, ex.mentionOffset, dims, m);
    const k = ex.candidates.length;
    const s = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      s[c] = scale * dotAt(m, 0, e, rows.get(ex.candidates[c]!)! * dims, dims) - (ex.correction?.[c] ?? 0);
    }
    const lse = logSumExp(s);
    loss += (lse - s[0]!) * inv;
    mGrad.fill(0);
    for (let c = 0; c < k; c++) {
      // dJ/ds_c = p_c - [c = gold], scaled by the batch mean.
      const g = (Math.exp(s[c]! - lse) - (c === 0 ? 1 : 0)) * inv;
      if (g === 0) continue;
      const slot = rows.get(ex.candidates[c]!)! * dims;
      const raw = s[c]! + (ex.correction?.[c] ?? 0);
      scaleGrad += g * raw;
      const gs = g * scale;
      for (let i = 0; i < dims; i++) {
        mGrad[i] = mGrad[i]! + gs * e[slot + i]!;
        eGrad[slot + i] = eGrad[slot + i]! + gs * m[i]!;
      }
    }
    normalizeBackward(mGrad, m, mNorm);
    addOuter(grad.mention, mGrad, mentionVectors, ex.mentionOffset, dims);
  }
  const eUnit = new Float32Array(dims);
  const g = new Float32Array(dims);
  for (const [r, slot] of frozen ? [] : rows) {
    g.set(eGrad.subarray(slot * dims, (slot + 1) * dims));
    eUnit.set(e.subarray(slot * dims, (slot + 1) * dims));
    normalizeBackward(g, eUnit, eNorm[slot]!);
    addOuter(grad.entity, g, entityVectors, r * dims, dims);
  }
  // d(scale * cos)/d(log scale) = scale * cos = the raw score.
  grad.logScale[0] = grad.logScale[0]! + scaleGrad;
  return { loss };
}
