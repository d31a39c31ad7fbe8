import { FEATURE_NAMES } from '../linker/ranker';
import type { FeatureName, HiddenUnit, RankerWeights } from '../linker/ranker';
import type { SeededRandom } from '../training/seededRandom';

/**
 * The ranker's parameters as one flat vector for the trainer (rankerTrainer.ts): the linear weights
 * (FEATURE_NAMES order), then per hidden unit its bias, input weights and output weight. Scores a feature row
 * and accumulates the gradient of a row's score, so the trainer's loop is the same for the linear ranker and
 * the residual MLP.
 */
export class RankerParameters {
  readonly theta: Float64Array;
  private readonly d = FEATURE_NAMES.length;
  /** With the units' inputs fixed (trainableMask without trainHidden), each row's activations are computed once. */
  private activations: WeakMap<readonly number[], Float64Array> | undefined;

  private constructor(readonly units: number) {
    this.theta = new Float64Array(this.d + units * (this.d + 2));
  }

  /** From the starting weights; with none of their own, `addUnits` new hidden units start small and random. */
  static from(init: RankerWeights, addUnits: number, rng: SeededRandom): RankerParameters {
    const hidden = init.hidden ?? [];
    const units = hidden.length > 0 ? hidden.length : Math.max(0, Math.floor(addUnits));
    const p = new RankerParameters(units);
    const d = p.d;
    FEATURE_NAMES.forEach((n, k) => (p.theta[k] = init.weights[n] ?? 0));
    for (let j = 0; j < units; j++) {
      const at = p.unitOffset(j);
      const u = hidden[j];
      if (u !== undefined) {
        p.theta[at] = u.bias;
        FEATURE_NAMES.forEach((n, k) => (p.theta[at + 1 + k] = u.weights[n] ?? 0));
        p.theta[at + 1 + d] = u.out;
      } else {
        for (let k = 0; k < d; k++) p.theta[at + 1 + k] = (rng.next() * 2 - 1) / Math.sqrt(d);
        p.theta[at + 1 + d] = (rng.next() * 2 - 1) * 0.01;
      }
    }
    return p;
  }

  /** Where hidden unit `j` starts in theta (its bias). */
  unitOffset(j: number): number {
    return this.d + j * (this.d + 2);
  }

  /** 1 for each trainable parameter: linear weights not frozen; the units' inputs and biases when `trainHidden`; their outputs. */
  trainableMask(frozen: readonly FeatureName[], trainHidden: boolean): Uint8Array {
    const mask = new Uint8Array(this.theta.length).fill(1);
    FEATURE_NAMES.forEach((n, k) => (mask[k] = frozen.includes(n) ? 0 : 1));
    if (!trainHidden && this.units > 0) {
      for (let j = 0; j < this.units; j++) mask.fill(0, this.unitOffset(j), this.unitOffset(j) + 1 + this.d);
      this.activations = new WeakMap();
    }
    return mask;
  }

  /** The units' activations for a row (cached per row while the units' inputs are fixed). */
  private hidden(x: readonly number[]): Float64Array {
    const cached = this.activations?.get(x);
    if (cached !== undefined) return cached;
    const { theta, d } = this;
    const h = new Float64Array(this.units);
    for (let j = 0; j < this.units; j++) {
      const at = this.unitOffset(j);
      let a = theta[at];
      for (let k = 0; k < d; k++) a += theta[at + 1 + k] * (x[k] ?? 0);
      h[j] = Math.tanh(a);
    }
    this.activations?.set(x, h);
    return h;
  }

  score(x: readonly number[]): number {
    const { theta, d } = this;
    let s = 0;
    for (let k = 0; k < d; k++) s += theta[k] * (x[k] ?? 0);
    if (this.units === 0) return s;
    const h = this.hidden(x);
    for (let j = 0; j < this.units; j++) s += theta[this.unitOffset(j) + 1 + d] * h[j];
    return s;
  }

  /** Adds g times the gradient of score(x) to `grad`. */
  addGradient(x: readonly number[], g: number, grad: Float64Array): void {
    const { theta, d } = this;
    for (let k = 0; k < d; k++) grad[k] += g * (x[k] ?? 0);
    if (this.units === 0) return;
    const h = this.hidden(x);
    for (let j = 0; j < this.units; j++) {
      const at = this.unitOffset(j);
      grad[at + 1 + d] += g * h[j];
      if (this.activations !== undefined) continue;
      const back = g * theta[at + 1 + d] * (1 - h[j] * h[j]);
      grad[at] += back;
      for (let k = 0; k < d; k++) grad[at + 1 + k] += back * (x[k] ?? 0);
    }
  }

  /** The parameters as ranker weights (rounded to 4 decimals, as ranker.json keeps them); version 3 with hidden units. */
  weights(init: RankerWeights): RankerWeights {
    const { theta, d } = this;
    const named = (at: number): Record<FeatureName, number> => Object.fromEntries(FEATURE_NAMES.map((n, k) => [n, round(theta[at + k])])) as Record<FeatureName, number>;
    const hidden: HiddenUnit[] = [];
    for (let j = 0; j < this.units; j++) {
      const at = this.unitOffset(j);
      hidden.push({ bias: round(theta[at]), weights: named(at + 1), out: round(theta[at + 1 + d]) });
    }
    const { hidden: _ignored, ...rest } = init;
    void _ignored;
    return { ...rest, version: hidden.length === 0 ? 2 : 3, weights: named(0), ...(hidden.length === 0 ? {} : { hidden }) };
  }
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
