import { LinkerError } from '../../errors';
import { dotAt, normalizeInPlace } from '../../vectorMath';

/*
 * The fine-tuned scoring head, in one module: its weights, its forward pass (used at inference by
 * FinetunedEncoder, during fine-tuning by training/), and its save and load (head.bin's bytes). Training (the
 * loss and its gradient) lives in training/contrastiveLoss.ts and imports this; nothing here imports training/.
 */

/**
 * The trainable scoring head over a frozen encoder:
 *
 *   score(x, y) = scale * < normalize((I + Dm) x), normalize((I + De) y) >
 *
 * x is the encoder's mention vector, y its entity vector. Dm and De start at zero, so the untrained head scores
 * exactly like the base encoder (cosine, times a constant); weight decay pulls them back towards the identity,
 * not towards zero, which is what a small training set needs.
 */
export interface HeadWeights {
  readonly dims: number;
  /** Mention-side residual, dims x dims row-major. */
  readonly mention: Float32Array;
  /** Entity-side residual, dims x dims row-major. */
  readonly entity: Float32Array;
  /** log of the softmax scale (learned). */
  readonly logScale: Float32Array;
}

export function identityHead(dims: number, scale: number): HeadWeights {
  return { dims, mention: new Float32Array(dims * dims), entity: new Float32Array(dims * dims), logScale: Float32Array.of(Math.log(scale)) };
}

export function cloneHead(h: HeadWeights): HeadWeights {
  return { dims: h.dims, mention: h.mention.slice(), entity: h.entity.slice(), logScale: h.logScale.slice() };
}

/** out = x + D x for a square d x d matrix D (the head is the identity plus a learned residual). */
function residualMatVec(d: Float32Array, x: Float32Array, xOffset: number, dims: number, out: Float32Array): void {
  for (let i = 0; i < dims; i++) {
    out[i] = x[xOffset + i]! + dotAt(d, i * dims, x, xOffset, dims);
  }
}

/**
 * The forward pass of one side of the head for one vector: out = normalize((I + D) x), x read from `x` at
 * `xOffset`. Returns |(I + D) x| (the backward pass needs it).
 */
export function projectThroughSide(d: Float32Array, x: Float32Array, xOffset: number, dims: number, out: Float32Array): number {
  residualMatVec(d, x, xOffset, dims, out);
  return normalizeInPlace(out);
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
    projectThroughSide(d, vectors, r * dims, dims, row);
    out.set(row, r * dims);
  }
  return out;
}

/** The head's score for one mention and entity vector (for tests and spot checks). */
export function headScore(head: HeadWeights, x: Float32Array, y: Float32Array): number {
  const dims = head.dims;
  const m = new Float32Array(dims);
  const e = new Float32Array(dims);
  projectThroughSide(head.mention, x, 0, dims, m);
  projectThroughSide(head.entity, y, 0, dims, e);
  return Math.exp(head.logScale[0]!) * dotAt(m, 0, e, 0, dims);
}

/** head.bin: float32 little-endian, mention residual (dims x dims), entity residual (dims x dims), log scale. */
export function headBytes(head: HeadWeights): Buffer {
  const floats = new Float32Array(head.mention.length + head.entity.length + 1);
  floats.set(head.mention, 0);
  floats.set(head.entity, head.mention.length);
  floats[floats.length - 1] = head.logScale[0]!;
  const bytes = Buffer.alloc(floats.length * 4);
  for (let i = 0; i < floats.length; i++) bytes.writeFloatLE(floats[i]!, i * 4);
  return bytes;
}

export function headFromBytes(bytes: Buffer, dims: number, file: string): HeadWeights {
  const expected = (2 * dims * dims + 1) * 4;
  if (bytes.length !== expected) {
    throw new LinkerError('modelLoad', `The head file is ${bytes.length} bytes; a ${dims}-d head is ${expected}.`, { location: { file }, hint: 'The fine-tuned model folder is damaged: fine-tune again.' });
  }
  const read = (from: number, count: number): Float32Array => {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = bytes.readFloatLE((from + i) * 4);
    return out;
  };
  const dd = dims * dims;
  return { dims, mention: read(0, dd), entity: read(dd, dd), logScale: read(2 * dd, 1) };
}
