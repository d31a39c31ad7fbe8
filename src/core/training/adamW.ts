/**
 * AdamW (decoupled weight decay) with linear warmup then linear decay, and clipping of the global gradient
 * norm: the reference recipe of METHOD.md, for a handful of Float32Array parameter groups.
 */
export interface AdamWOptions {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** Share of all steps spent warming the learning rate up from 0. */
  readonly warmupFraction: number;
  /** Global L2 norm the gradient is clipped to (0: no clipping). */
  readonly clipNorm: number;
}

export const DEFAULT_ADAMW: AdamWOptions = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-6, weightDecay: 0.01, warmupFraction: 0.1, clipNorm: 1 };

export interface ParamGroup {
  readonly value: Float32Array;
  readonly grad: Float32Array;
  /** The log-scale is not decayed: decaying it would bias the temperature, not regularise the maps. */
  readonly decay: boolean;
}

export class AdamW {
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private step = 0;

  constructor(
    private readonly groups: readonly ParamGroup[],
    private readonly options: AdamWOptions,
    private readonly totalSteps: number,
  ) {
    this.m = groups.map((g) => new Float32Array(g.value.length));
    this.v = groups.map((g) => new Float32Array(g.value.length));
  }

  /** The learning rate at step `t` (1-based). */
  learningRate(t: number): number {
    const warm = Math.max(1, Math.round(this.options.warmupFraction * this.totalSteps));
    if (t <= warm) return (this.options.lr * t) / warm;
    const rest = Math.max(1, this.totalSteps - warm);
    return this.options.lr * Math.max(0, (this.totalSteps - t) / rest);
  }

  /** Global gradient norm before clipping. */
  static gradNorm(groups: readonly ParamGroup[]): number {
    let s = 0;
    for (const g of groups) for (let i = 0; i < g.grad.length; i++) s += g.grad[i]! * g.grad[i]!;
    return Math.sqrt(s);
  }

  /** Applies one update from the groups' gradients, then zeroes them. Returns the norm before clipping. */
  update(): number {
    this.step++;
    const o = this.options;
    const norm = AdamW.gradNorm(this.groups);
    const clip = o.clipNorm > 0 && norm > o.clipNorm ? o.clipNorm / norm : 1;
    const lr = this.learningRate(this.step);
    const c1 = 1 - Math.pow(o.beta1, this.step);
    const c2 = 1 - Math.pow(o.beta2, this.step);
    this.groups.forEach((g, k) => {
      const m = this.m[k]!;
      const v = this.v[k]!;
      const decay = g.decay ? lr * o.weightDecay : 0;
      for (let i = 0; i < g.value.length; i++) {
        const gi = g.grad[i]! * clip;
        const mi = o.beta1 * m[i]! + (1 - o.beta1) * gi;
        const vi = o.beta2 * v[i]! + (1 - o.beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        g.value[i] = g.value[i]! - decay * g.value[i]! - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + o.eps);
      }
      g.grad.fill(0);
    });
    return norm;
  }
}
