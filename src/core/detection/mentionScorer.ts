import { LinkerError } from '../errors';
import { MENTION_FEATURE_NAMES, withMemory } from './mentionFeatures';
import type { SurfaceCounts } from './mentionFeatures';

/** One labelled span: its features (mentionFeatures, with the memory left empty) and case-folded surface. */
export interface MentionExample {
  readonly features: readonly number[];
  /** The case-folded surface form (the key of the surface memory). */
  readonly surface: string;
  /** True for a mention (accepted, gold, Link Selection), false for a rejection or a non-mention. */
  readonly label: boolean;
}

export interface MentionFitOptions {
  /** L2 penalty on the weights (not the bias). */
  readonly l2: number;
  /** Full-batch gradient steps. */
  readonly iterations: number;
  readonly learningRate: number;
  /** Spans with probability below this are not mentions. */
  readonly threshold: number;
}

export const DEFAULT_MENTION_FIT: MentionFitOptions = { l2: 1e-3, iterations: 400, learningRate: 0.5, threshold: 0.5 };

/** The JSON form (`toJSON` / `MentionScorer.fromJSON`). */
export interface MentionScorerJson {
  readonly kind: 'entity-linker/mention-scorer';
  readonly version: 1;
  readonly featureNames: readonly string[];
  readonly weights: readonly number[];
  readonly threshold: number;
  /** [surface, positives, negatives] */
  readonly surfaces: readonly (readonly [string, number, number])[];
  readonly examples: number;
}

const EMPTY: SurfaceCounts = { positive: 0, negative: 0 };

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/**
 * A logistic model over the named mention features plus a memory of decisions per surface form. Fitting is
 * deterministic (zero start, full-batch gradient descent, examples in the given order) and takes milliseconds
 * for a thousand examples. While fitting, each example sees the memory without its own decision (leave one
 * out), so the memory weight learns how far a decision on the same form carries to the next occurrence.
 */
export class MentionScorer {
  private constructor(
    readonly weights: readonly number[],
    readonly threshold: number,
    private readonly memory: Map<string, SurfaceCounts>,
    readonly exampleCount: number,
  ) {}

  static fit(examples: readonly MentionExample[], options: Partial<MentionFitOptions> = {}): MentionScorer {
    const o = { ...DEFAULT_MENTION_FIT, ...options };
    const memory = new Map<string, SurfaceCounts>();
    for (const e of examples) {
      const c = memory.get(e.surface) ?? EMPTY;
      memory.set(e.surface, e.label ? { positive: c.positive + 1, negative: c.negative } : { positive: c.positive, negative: c.negative + 1 });
    }
    const dims = MENTION_FEATURE_NAMES.length;
    const rows = examples.map((e) => {
      if (e.features.length !== dims) throw new LinkerError('usage', `A mention example has ${e.features.length} features; the scorer expects ${dims}.`);
      const c = memory.get(e.surface) ?? EMPTY;
      const own = e.label ? { positive: c.positive - 1, negative: c.negative } : { positive: c.positive, negative: c.negative - 1 };
      return withMemory(e.features, own);
    });
    const w = new Array<number>(dims).fill(0);
    const grad = new Array<number>(dims).fill(0);
    const n = Math.max(1, rows.length);
    for (let it = 0; it < o.iterations; it++) {
      grad.fill(0);
      rows.forEach((x, i) => {
        const err = sigmoid(dot(w, x)) - (examples[i].label ? 1 : 0);
        for (let k = 0; k < dims; k++) grad[k] += err * x[k];
      });
      for (let k = 0; k < dims; k++) w[k] -= o.learningRate * (grad[k] / n + (k === 0 ? 0 : o.l2 * w[k]));
    }
    return new MentionScorer(w, o.threshold, memory, examples.length);
  }

  static fromJSON(json: unknown, source = 'mention scorer'): MentionScorer {
    const j = json as Partial<MentionScorerJson> | null;
    const names = MENTION_FEATURE_NAMES as readonly string[];
    if (j === null || typeof j !== 'object' || j.kind !== 'entity-linker/mention-scorer' || j.version !== 1) {
      throw new LinkerError('usage', `${source} is not a mention scorer (kind "entity-linker/mention-scorer", version 1).`, { hint: 'Write it with MentionScorer.toJSON().' });
    }
    if (!Array.isArray(j.featureNames) || j.featureNames.join() !== names.join() || !Array.isArray(j.weights) || j.weights.length !== names.length || j.weights.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
      throw new LinkerError('usage', `${source} was fitted with other features than this version uses (${names.length}: ${names.join(', ')}).`, { hint: 'Refit it from the stored decisions.' });
    }
    if (typeof j.threshold !== 'number' || !Array.isArray(j.surfaces)) throw new LinkerError('usage', `${source} lacks its threshold or surface memory.`);
    const memory = new Map<string, SurfaceCounts>();
    for (const s of j.surfaces) {
      if (!Array.isArray(s) || typeof s[0] !== 'string' || typeof s[1] !== 'number' || typeof s[2] !== 'number') throw new LinkerError('usage', `${source}: a surface memory entry is not [surface, positives, negatives].`);
      memory.set(s[0], { positive: s[1], negative: s[2] });
    }
    return new MentionScorer([...j.weights], j.threshold, memory, typeof j.examples === 'number' ? j.examples : 0);
  }

  toJSON(): MentionScorerJson {
    return {
      kind: 'entity-linker/mention-scorer',
      version: 1,
      featureNames: [...MENTION_FEATURE_NAMES],
      weights: [...this.weights],
      threshold: this.threshold,
      surfaces: [...this.memory].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([s, c]) => [s, c.positive, c.negative] as const),
      examples: this.exampleCount,
    };
  }

  /** Decisions remembered for a case-folded surface form. */
  memoryOf(surface: string): SurfaceCounts {
    return this.memory.get(surface) ?? EMPTY;
  }

  /** Probability that the span is a mention; `features` as from mentionFeatures (its memory entries are replaced). */
  probability(features: readonly number[], surface: string): number {
    return sigmoid(dot(this.weights, withMemory(features, this.memoryOf(surface))));
  }

  /** The weights by feature name, for reports. */
  namedWeights(): Record<string, number> {
    return Object.fromEntries(MENTION_FEATURE_NAMES.map((name, k) => [name, this.weights[k]]));
  }
}

function dot(w: readonly number[], x: readonly number[]): number {
  let s = 0;
  for (let k = 0; k < w.length; k++) s += w[k] * x[k];
  return s;
}
