import type { TokenStates } from '../encoder/encoder';
import { throwIfAborted } from '../errors';
import { AdamW, DEFAULT_ADAMW } from '../training/adamW';
import type { ParamGroup } from '../training/adamW';
import { SeededRandom } from '../training/seededRandom';
import type { SomProjections } from './somScorer';

/**
 * Trains the two SOM projections with the listwise contrastive loss of Zhang & Stratos (METHOD.md): a softmax over
 * the gold and its hard negatives (the wrong top candidates of the retrieval + ranker) plus random negatives
 * drawn from a pool each epoch, logits = scale * som / mention tokens. Adam(W) with warmup and linear decay.
 *
 * The gradients are written by hand: the model is two small matrices and a max over tokens, so the backward
 * pass is a few loops over typed arrays; no autodiff library in reach runs in plain Node without native or
 * WebAssembly backends (TF.js, onnxruntime-training), and a finite-difference test checks these gradients.
 */
export interface SomExample {
  /** The mention's token states (the rows the trainer reads; any width equal to the projections' inDims). */
  readonly mention: TokenStates;
  /** The candidates' token states: the gold and its hard negatives. */
  readonly candidates: readonly TokenStates[];
  readonly gold: number;
  /** Keys of the candidates, so that a random negative equal to one of them is not drawn. */
  readonly ids?: readonly string[];
  readonly weight?: number;
  /**
   * Fixed logits added per candidate (e.g. the ranker's scores), so SOM learns what they miss (a residual);
   * random negatives get the lowest of them.
   */
  readonly offsets?: readonly number[];
  /** Random negatives come from the pool entries of the same group (e.g. the example's KB); default ''. */
  readonly group?: string;
}

export interface SomPoolEntry {
  readonly id: string;
  readonly states: TokenStates;
  readonly group?: string;
}

export interface SomTrainOptions {
  readonly seed: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly weightDecay: number;
  /** Logit scale (inverse temperature) over the mean of the maxima. */
  readonly scale: number;
  /** Random negatives added per example per epoch, from `pool`. */
  readonly randomNegatives: number;
  readonly pool: readonly SomPoolEntry[];
  /** Losses before and after are measured on at most this many examples (evenly spaced), to keep them cheap. */
  readonly lossSample: number;
  readonly signal?: AbortSignal;
  readonly onEpoch?: (epoch: number, loss: number) => void;
}

export const DEFAULT_SOM_TRAIN: SomTrainOptions = { seed: 1, epochs: 3, batchSize: 32, lr: 2e-3, weightDecay: 0, scale: 20, randomNegatives: 4, pool: [], lossSample: 1000 };

export interface SomTrainResult {
  readonly projections: SomProjections;
  readonly lossBefore: number;
  readonly lossAfter: number;
  readonly ms: number;
}

/** Projections that read the first `outDims` input dimensions (a PCA-ordered basis: its leading components). */
export function identityProjections(inDims: number, outDims: number): SomProjections {
  const eye = new Float32Array(outDims * inDims);
  for (let r = 0; r < Math.min(outDims, inDims); r++) eye[r * inDims + r] = 1;
  return { inDims, outDims, mention: eye, entity: eye.slice() };
}

function offsetOf(ex: SomExample, k: number): number {
  if (ex.offsets === undefined) return 0;
  return k < ex.offsets.length ? ex.offsets[k]! : Math.min(...ex.offsets);
}

/** Projects and normalises rows, keeping the pre-normalisation norms for the backward pass. */
function forward(states: TokenStates, matrix: Float32Array, outDims: number): { rows: Float64Array; norms: Float64Array } {
  const inDims = states.dims;
  const rows = new Float64Array(states.tokens * outDims);
  const norms = new Float64Array(states.tokens);
  const x = states.data;
  for (let t = 0; t < states.tokens; t++) {
    const xo = t * inDims;
    let n = 0;
    for (let r = 0; r < outDims; r++) {
      const mo = r * inDims;
      let s = 0;
      for (let c = 0; c < inDims; c++) s += matrix[mo + c]! * x[xo + c]!;
      rows[t * outDims + r] = s;
      n += s * s;
    }
    n = Math.sqrt(n);
    norms[t] = n;
    if (n > 0) for (let r = 0; r < outDims; r++) rows[t * outDims + r] = rows[t * outDims + r]! / n;
  }
  return { rows, norms };
}

/** Adds d(loss)/d(matrix) for one token, given d(loss)/d(normalised row) `g`: through the normalisation, then the outer product. */
function backToken(g: Float64Array, row: Float64Array, rowOffset: number, norm: number, x: Float32Array, xo: number, grad: Float32Array, outDims: number, inDims: number, weight: number): void {
  if (norm === 0) return;
  let dot = 0;
  for (let r = 0; r < outDims; r++) dot += g[r]! * row[rowOffset + r]!;
  for (let r = 0; r < outDims; r++) {
    const gu = (weight * (g[r]! - row[rowOffset + r]! * dot)) / norm;
    if (gu === 0) continue;
    const go = r * inDims;
    for (let c = 0; c < inDims; c++) grad[go + c] = grad[go + c]! + gu * x[xo + c]!;
  }
}

/**
 * The loss of one example (candidates = its candidates then `extra`) and, when `grads` is given, its gradient
 * added into grads.mention / grads.entity, scaled by `weight`.
 */
export function somExampleLoss(p: SomProjections, ex: SomExample, extra: readonly TokenStates[], scale: number, grads?: { mention: Float32Array; entity: Float32Array }, weight = 1): number {
  const o = p.outDims;
  const q = forward(ex.mention, p.mention, o);
  const m = ex.mention.tokens;
  const cands = extra.length === 0 ? ex.candidates : [...ex.candidates, ...extra];
  const proj = cands.map((c) => forward(c, p.entity, o));
  const argmax = cands.map(() => new Int32Array(m));
  const logits = new Float64Array(cands.length);
  const perToken = scale / Math.max(1, m);
  cands.forEach((c, k) => {
    const e = proj[k]!.rows;
    let total = 0;
    for (let i = 0; i < m; i++) {
      let best = -Infinity;
      let at = 0;
      for (let j = 0; j < c.tokens; j++) {
        let s = 0;
        for (let r = 0; r < o; r++) s += q.rows[i * o + r]! * e[j * o + r]!;
        if (s > best) {
          best = s;
          at = j;
        }
      }
      argmax[k]![i] = at;
      total += c.tokens === 0 ? 0 : best;
    }
    logits[k] = perToken * total + offsetOf(ex, k);
  });
  let max = -Infinity;
  for (const z of logits) max = Math.max(max, z);
  let sum = 0;
  for (const z of logits) sum += Math.exp(z - max);
  const loss = -(logits[ex.gold]! - max - Math.log(sum));
  if (grads === undefined) return loss;
  // d loss / d som_k = (p_k - [k = gold]) * scale / m
  const gq = new Float64Array(m * o);
  const g = new Float64Array(o);
  cands.forEach((c, k) => {
    if (c.tokens === 0) return;
    const ds = (Math.exp(logits[k]! - max) / sum - (k === ex.gold ? 1 : 0)) * perToken;
    const e = proj[k]!;
    // Entity tokens that won a max get the summed mention rows that chose them.
    const ge = new Map<number, Float64Array>();
    for (let i = 0; i < m; i++) {
      const j = argmax[k]![i]!;
      let acc = ge.get(j);
      if (acc === undefined) {
        acc = new Float64Array(o);
        ge.set(j, acc);
      }
      for (let r = 0; r < o; r++) {
        gq[i * o + r] = gq[i * o + r]! + ds * e.rows[j * o + r]!;
        acc[r] = acc[r]! + ds * q.rows[i * o + r]!;
      }
    }
    for (const [j, acc] of ge) backToken(acc, e.rows, j * o, e.norms[j]!, c.data, j * c.dims, grads.entity, o, c.dims, weight);
  });
  for (let i = 0; i < m; i++) {
    for (let r = 0; r < o; r++) g[r] = gq[i * o + r]!;
    backToken(g, q.rows, i * o, q.norms[i]!, ex.mention.data, i * ex.mention.dims, grads.mention, o, ex.mention.dims, weight);
  }
  return loss;
}

function meanLoss(p: SomProjections, examples: readonly SomExample[], scale: number): number {
  let s = 0;
  let w = 0;
  for (const ex of examples) {
    const wt = ex.weight ?? 1;
    s += wt * somExampleLoss(p, ex, [], scale);
    w += wt;
  }
  return w === 0 ? 0 : s / w;
}

/** Trains from `init` (copied); deterministic for a seed. The reported losses are over hard negatives only, on up to `lossSample` examples. */
export function trainSom(examples: readonly SomExample[], init: SomProjections, options: Partial<SomTrainOptions> = {}): SomTrainResult {
  const o = { ...DEFAULT_SOM_TRAIN, ...options };
  const t0 = performance.now();
  const p: SomProjections = { ...init, mention: init.mention.slice(), entity: init.entity.slice() };
  const usable = examples.filter((e) => e.candidates.length > 1 && e.gold >= 0 && e.gold < e.candidates.length && e.mention.tokens > 0);
  const step = Math.max(1, usable.length / o.lossSample);
  const lossSet = usable.filter((_, i) => Math.floor(i / step) !== Math.floor((i - 1) / step));
  const lossBefore = meanLoss(p, lossSet, o.scale);
  const groups: ParamGroup[] = [
    { value: p.mention, grad: new Float32Array(p.mention.length), decay: true },
    { value: p.entity, grad: new Float32Array(p.entity.length), decay: true },
  ];
  const grads = { mention: groups[0]!.grad, entity: groups[1]!.grad };
  const steps = o.epochs * Math.ceil(usable.length / o.batchSize);
  const adam = new AdamW(groups, { ...DEFAULT_ADAMW, lr: o.lr, weightDecay: o.weightDecay }, Math.max(1, steps));
  const rng = new SeededRandom(o.seed);
  const pools = new Map<string, SomPoolEntry[]>();
  for (const e of o.pool) {
    const list = pools.get(e.group ?? '') ?? [];
    list.push(e);
    pools.set(e.group ?? '', list);
  }
  const order = usable.map((_, i) => i);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    rng.shuffle(order);
    let epochLoss = 0;
    for (let b = 0; b < order.length; b += o.batchSize) {
      throwIfAborted(o.signal);
      const batch = order.slice(b, b + o.batchSize);
      const totalWeight = batch.reduce((a, i) => a + (usable[i]!.weight ?? 1), 0);
      for (const i of batch) {
        const ex = usable[i]!;
        const extra = drawNegatives(ex, pools.get(ex.group ?? '') ?? [], o.randomNegatives, rng);
        epochLoss += somExampleLoss(p, ex, extra, o.scale, grads, (ex.weight ?? 1) / totalWeight);
      }
      adam.update();
    }
    o.onEpoch?.(epoch + 1, epochLoss / Math.max(1, usable.length));
  }
  return { projections: p, lossBefore, lossAfter: meanLoss(p, lossSet, o.scale), ms: performance.now() - t0 };
}

function drawNegatives(ex: SomExample, pool: readonly SomPoolEntry[], n: number, rng: SeededRandom): TokenStates[] {
  if (pool.length === 0 || n <= 0) return [];
  const skip = new Set(ex.ids ?? []);
  const out: TokenStates[] = [];
  for (let tries = 0; out.length < n && tries < 4 * n; tries++) {
    const e = pool[rng.int(pool.length)]!;
    if (!skip.has(e.id)) {
      skip.add(e.id);
      out.push(e.states);
    }
  }
  return out;
}
