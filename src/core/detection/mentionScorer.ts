import { LinkerError } from '../errors';
import { MENTION_FEATURE_NAMES, withMemory } from './mentionFeatures';
import type { SurfaceCounts } from './mentionFeatures';

/** One labelled span: its features (mentionFeatures, with the memory left empty) and case-folded surface. */
export interface MentionExample {
  readonly features: readonly number[];
  /** The case-folded surface form (the key of the surface memory). */
  readonly surface: string;
  /** The KB types of the matched entities (typeKey), the key of the type memory; '' for none. */
  readonly type?: string;
  /** True for a mention (accepted, gold, Link Selection), false for a rejection or a non-mention. */
  readonly label: boolean;
  /**
   * The document (or session) the example comes from. While fitting, an example sees the memory of the other
   * groups only, as a new document will; without a group it sees everything but itself.
   */
  readonly group?: string;
}

export interface MentionFitOptions {
  /** L2 penalty on the weights (not the bias), per example. */
  readonly l2: number;
  /** Newton steps at most (it stops earlier once the weights settle). */
  readonly iterations: number;
  /**
   * Spans with probability below this are not mentions; 'auto' takes the one with the best F1 on the examples;
   * 'smoothed' the one whose F1 averaged with its two neighbours' (0.05 either side) is best: the middle of a
   * plateau rather than its edge; 'half-f1' half the best F1 reached on the examples (for calibrated probabilities
   * the F1-optimal threshold is half the optimal F1: Lipton, Elkan and Naryanaswamy 2014), which moves with the
   * F1's level, not with which 0.05 step happens to hold a few examples more.
   */
  readonly threshold: number | 'auto' | 'smoothed' | 'half-f1';
  /**
   * Whether the scorer judges the capitalised spans the dictionary does not know (spanProposals.ts): true
   * (default) for examples from whole annotated documents (examplesFromMentions labels every proposal); false
   * for examples of the annotator's decisions on shown suggestions only, which never show a proposal rejected:
   * such a scorer lets out-of-KB names through, each costing a key.
   */
  readonly proposals: boolean;
  /**
   * Pseudo-examples of the dictionary's own decision: a dictionary match's probability is shrunk toward 1 (the
   * dictionary proposes it) as (n p + N) / (n + N) with n the examples fitted on, so a scorer fitted online on a
   * few dozen decisions cannot drop gold dictionary matches yet (a missed mention costs several keys, a false
   * one a reject); 0 (default) for none.
   */
  readonly dictionaryPrior: number;
  /**
   * The surface memory keeps a form standing alone apart from the same form inside a longer capitalised name
   * (the insideLongerName feature): "Turin" of "Polytechnic Institute of Turin", a negative there, says nothing of
   * "Turin" alone. False: one count per form wherever it stands.
   */
  readonly contextMemory: boolean;
  /**
   * The type memory keeps spans standing alone apart from spans inside a longer capitalised name, as
   * contextMemory does for surfaces: "Illinois" of "University of Illinois", a negative there, says nothing of a
   * place named alone. False: one count per type key wherever the span stands.
   */
  readonly typeContext: boolean;
  /**
   * Bagging over documents: 0 (default) fits once; N > 0 also fits N models, each on a bootstrap resample of the
   * examples' groups (documents; an example without a group is its own), drawn by a fixed seed so the fit stays
   * deterministic. What the bags are for is `bagUse`. The memory is the whole training set's either way (each
   * example still sees the memory of the other groups only).
   */
  readonly bags: number;
  /**
   * What the bags do (with bags > 0): 'probabilities' — the scorer's probability is the mean of the N models', and
   * the threshold is chosen on each example's out-of-bag mean (the models whose resample left its document out),
   * as an unseen document meets it; 'threshold' — the one fit on all examples scores, and only its threshold comes
   * from the bags' out-of-bag curve; 'in-sample' — the mean of the N models scores and the threshold is chosen on
   * that mean over the examples themselves (bagging alone).
   */
  readonly bagUse: 'probabilities' | 'threshold' | 'in-sample';
}

/**
 * threshold 'smoothed' since session 9 (bench/endToEnd.ts, BENCHMARKS.md "Session 9 (e2e)"): end-to-end F1 on the OKE
 * training CV +0.7 (random folds x 4) / +3.4 (by file) over 'auto'. typeContext on since session 9, round 2
 * ("Session 9 (e2e, round 2)"): +2.0 / +1.3 on the same CVs.
 */
export const DEFAULT_MENTION_FIT: MentionFitOptions = { l2: 1e-3, iterations: 50, threshold: 'smoothed', proposals: true, dictionaryPrior: 0, contextMemory: false, typeContext: true, bags: 0, bagUse: 'probabilities' };

/** The JSON form (`toJSON` / `MentionScorer.fromJSON`). */
export interface MentionScorerJson {
  readonly kind: 'entity-linker/mention-scorer';
  readonly version: 1;
  readonly featureNames: readonly string[];
  readonly weights: readonly number[];
  readonly threshold: number;
  /** [surface, positives, negatives] */
  readonly surfaces: readonly (readonly [string, number, number])[];
  /** [type key, positives, negatives] */
  readonly types: readonly (readonly [string, number, number])[];
  readonly examples: number;
  /** MentionFitOptions.proposals (absent in older files: true). */
  readonly proposals?: boolean;
  /** MentionFitOptions.dictionaryPrior (absent: 0). */
  readonly dictionaryPrior?: number;
  /** MentionFitOptions.contextMemory (absent: false); the surfaces' keys then carry INSIDE_NAME for a form inside a longer name. */
  readonly contextMemory?: boolean;
  /** MentionFitOptions.typeContext (absent: false); the types' keys then carry INSIDE_NAME for a span inside a longer name. */
  readonly typeContext?: boolean;
  /** The bagged models' weights (MentionFitOptions.bags with bagUse other than 'threshold'): the probability is their mean; `weights` is then their mean, for reports. */
  readonly bagWeights?: readonly (readonly number[])[];
}

const FROM_GAZETTEER = MENTION_FEATURE_NAMES.indexOf('fromGazetteer');
const INSIDE_LONGER_NAME = MENTION_FEATURE_NAMES.indexOf('insideLongerName');

/** Appended to a surface's memory key for a form inside a longer capitalised name (MentionFitOptions.contextMemory). */
export const INSIDE_NAME = '\u0001inside';

/** The surface memory's key of a span: its surface, marked when it stands inside a longer name and the memory tells. */
function memoryKey(surface: string, features: readonly number[], byContext: boolean): string {
  return byContext && features[INSIDE_LONGER_NAME] === 1 ? `${surface}${INSIDE_NAME}` : surface;
}
const EMPTY: SurfaceCounts = { positive: 0, negative: 0 };

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/**
 * A logistic model over the named mention features plus a memory of decisions per surface form and per KB
 * type. Fitting is deterministic (L2-penalised maximum likelihood by Newton's method from zero, which converges
 * to the one optimum whatever the example order) and takes milliseconds for a thousand examples. While fitting, each example sees the memory without its own decision (leave one
 * out), so the memory weight learns how far a decision on the same form carries to the next occurrence.
 */
export class MentionScorer {
  private constructor(
    readonly weights: readonly number[],
    readonly threshold: number,
    private readonly memory: Map<string, SurfaceCounts>,
    private readonly typeMemory: Map<string, SurfaceCounts>,
    readonly exampleCount: number,
    /** Whether detection scores proposals with this scorer (MentionFitOptions.proposals). */
    readonly judgesProposals: boolean,
    /** MentionFitOptions.dictionaryPrior. */
    readonly dictionaryPrior = 0,
    /** MentionFitOptions.contextMemory. */
    readonly contextMemory = false,
    /** MentionFitOptions.typeContext. */
    readonly typeContext = false,
    /** The bagged models' weights, whose probabilities are averaged (empty: `weights` alone scores). */
    private readonly bagWeights: readonly (readonly number[])[] = [],
  ) {}

  static fit(examples: readonly MentionExample[], options: Partial<MentionFitOptions> = {}): MentionScorer {
    const o = { ...DEFAULT_MENTION_FIT, ...options };
    const memory = new Map<string, SurfaceCounts>();
    const typeMemory = new Map<string, SurfaceCounts>();
    // Counts per key and group, to leave an example's own group out.
    const byGroup = new Map<string, SurfaceCounts>();
    const keyOf = (e: MentionExample): string => memoryKey(e.surface, e.features, o.contextMemory);
    const typeOf = (e: MentionExample): string => memoryKey(e.type ?? '', e.features, o.typeContext);
    for (const e of examples) {
      add(memory, keyOf(e), e.label);
      add(typeMemory, typeOf(e), e.label);
      if (e.group !== undefined) {
        add(byGroup, `s\u0000${e.group}\u0000${keyOf(e)}`, e.label);
        add(byGroup, `t\u0000${e.group}\u0000${typeOf(e)}`, e.label);
      }
    }
    const dims = MENTION_FEATURE_NAMES.length;
    const self = (e: MentionExample): SurfaceCounts => ({ positive: e.label ? 1 : 0, negative: e.label ? 0 : 1 });
    const rows = examples.map((e) => {
      if (e.features.length !== dims) throw new LinkerError('usage', `A mention example has ${e.features.length} features; the scorer expects ${dims}.`);
      const ownSurface = e.group === undefined ? self(e) : (byGroup.get(`s\u0000${e.group}\u0000${keyOf(e)}`) ?? EMPTY);
      const ownType = e.group === undefined ? self(e) : (byGroup.get(`t\u0000${e.group}\u0000${typeOf(e)}`) ?? EMPTY);
      return withMemory(e.features, minus(memory.get(keyOf(e)), ownSurface), minus(typeMemory.get(typeOf(e)), ownType));
    });
    const labels = examples.map((e) => e.label);
    const bags = Math.max(0, Math.floor(o.bags));
    const bagged = bags > 0 ? fitBags(rows, labels, examples.map((e, i) => e.group ?? `\u0000${i}`), bags, o.l2, o.iterations) : undefined;
    const averaged = bagged !== undefined && o.bagUse !== 'threshold';
    const w = averaged ? meanOf(bagged.weights) : newtonLogistic(rows, labels, o.l2, o.iterations);
    const inSample = (x: readonly number[]): number => (averaged ? meanProbability(bagged.weights, x) : sigmoid(dot(w, x)));
    const p = bagged !== undefined && o.bagUse !== 'in-sample' ? bagged.outOfBag.map((q, i) => q ?? inSample(rows[i])) : rows.map(inSample);
    const threshold = typeof o.threshold === 'number' ? o.threshold : o.threshold === 'half-f1' ? halfBestF1(p, examples) : bestThreshold(p, examples, o.threshold === 'smoothed');
    return new MentionScorer(w, threshold, memory, typeMemory, examples.length, o.proposals, Math.max(0, o.dictionaryPrior), o.contextMemory, o.typeContext, averaged ? bagged.weights : []);
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
    if (typeof j.threshold !== 'number' || !Array.isArray(j.surfaces) || !Array.isArray(j.types)) throw new LinkerError('usage', `${source} lacks its threshold or memory.`);
    const bagWeights = j.bagWeights ?? [];
    if (!Array.isArray(bagWeights) || bagWeights.some((w) => !Array.isArray(w) || w.length !== names.length || w.some((x) => typeof x !== 'number' || !Number.isFinite(x)))) {
      throw new LinkerError('usage', `${source}: bagWeights is not a list of ${names.length}-number weight vectors.`, { hint: 'Refit it from the stored decisions.' });
    }
    return new MentionScorer([...j.weights], j.threshold, memoryFromJson(j.surfaces, source), memoryFromJson(j.types, source), typeof j.examples === 'number' ? j.examples : 0, j.proposals !== false, typeof j.dictionaryPrior === 'number' && j.dictionaryPrior > 0 ? j.dictionaryPrior : 0, j.contextMemory === true, j.typeContext === true, bagWeights.map((w) => [...w]));
  }

  toJSON(): MentionScorerJson {
    return {
      kind: 'entity-linker/mention-scorer',
      version: 1,
      featureNames: [...MENTION_FEATURE_NAMES],
      weights: [...this.weights],
      threshold: this.threshold,
      surfaces: memoryToJson(this.memory),
      types: memoryToJson(this.typeMemory),
      examples: this.exampleCount,
      proposals: this.judgesProposals,
      ...(this.dictionaryPrior > 0 ? { dictionaryPrior: this.dictionaryPrior } : {}),
      ...(this.contextMemory ? { contextMemory: true } : {}),
      ...(this.typeContext ? { typeContext: true } : {}),
      ...(this.bagWeights.length > 0 ? { bagWeights: this.bagWeights.map((w) => [...w]) } : {}),
    };
  }

  /**
   * Decisions remembered for a case-folded surface form (with contextMemory, standing alone; `inside`: inside a
   * longer capitalised name).
   */
  memoryOf(surface: string, inside = false): SurfaceCounts {
    return this.memory.get(inside && this.contextMemory ? `${surface}${INSIDE_NAME}` : surface) ?? EMPTY;
  }

  /** Decisions remembered for spans whose entities have this type key (with typeContext, standing alone; `inside`: inside a longer name). */
  typeMemoryOf(type: string, inside = false): SurfaceCounts {
    return this.typeMemory.get(inside && this.typeContext ? `${type}${INSIDE_NAME}` : type) ?? EMPTY;
  }

  /** Probability that the span is a mention; `features` as from mentionFeatures (its memory entries are replaced). */
  probability(features: readonly number[], surface: string, type = ''): number {
    const x = withMemory(features, this.memory.get(memoryKey(surface, features, this.contextMemory)) ?? EMPTY, this.typeMemory.get(memoryKey(type, features, this.typeContext)) ?? EMPTY);
    const p = this.bagWeights.length > 0 ? meanProbability(this.bagWeights, x) : sigmoid(dot(this.weights, x));
    const n = this.exampleCount;
    const prior = this.dictionaryPrior;
    return prior > 0 && features[FROM_GAZETTEER] === 1 ? (n * p + prior) / (n + prior) : p;
  }

  /** The weights by feature name, for reports. */
  namedWeights(): Record<string, number> {
    return Object.fromEntries(MENTION_FEATURE_NAMES.map((name, k) => [name, this.weights[k]]));
  }
}

/** The seed of the bootstrap draws (MentionFitOptions.bags): fixed, so a fit is deterministic. */
const BAG_SEED = 0x9e3779b9;

/**
 * `bags` logistic fits, each on a bootstrap resample of the groups (as many draws, with replacement, as there are
 * groups; an example counts as often as its group was drawn), and each example's mean probability over the fits
 * whose resample left its group out (undefined when every resample held it).
 */
function fitBags(rows: readonly number[][], labels: readonly boolean[], groups: readonly string[], bags: number, l2: number, iterations: number): { weights: number[][]; outOfBag: (number | undefined)[] } {
  const names = [...new Set(groups)];
  const index = new Map(names.map((g, k) => [g, k]));
  const groupOf = groups.map((g) => index.get(g) ?? 0);
  let state = BAG_SEED >>> 0;
  const next = (): number => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const weights: number[][] = [];
  const sum = new Array<number>(rows.length).fill(0);
  const seen = new Array<number>(rows.length).fill(0);
  for (let b = 0; b < bags; b++) {
    const drawn = new Array<number>(names.length).fill(0);
    for (let k = 0; k < names.length; k++) drawn[Math.min(names.length - 1, Math.floor(next() * names.length))]++;
    const w = newtonLogistic(rows, labels, l2, iterations, groupOf.map((g) => drawn[g]));
    weights.push(w);
    rows.forEach((x, i) => {
      if (drawn[groupOf[i]] > 0) return;
      sum[i] += sigmoid(dot(w, x));
      seen[i]++;
    });
  }
  return { weights, outOfBag: sum.map((s, i) => (seen[i] === 0 ? undefined : s / seen[i])) };
}

function meanOf(vectors: readonly (readonly number[])[]): number[] {
  const out = new Array<number>(vectors[0]?.length ?? 0).fill(0);
  for (const v of vectors) v.forEach((x, k) => (out[k] += x / vectors.length));
  return out;
}

function meanProbability(weights: readonly (readonly number[])[], x: readonly number[]): number {
  let s = 0;
  for (const w of weights) s += sigmoid(dot(w, x));
  return s / weights.length;
}

/**
 * Newton-Raphson (iteratively reweighted least squares) for L2-penalised logistic regression; the bias (index
 * 0) is not penalised. Each step solves (X'WX + n*l2*I) d = X'(y - p) - n*l2*w by Gaussian elimination.
 * `counts`: how often each row counts (a bootstrap resample; absent: once each), n their sum.
 */
function newtonLogistic(rows: readonly number[][], labels: readonly boolean[], l2: number, iterations: number, counts?: readonly number[]): number[] {
  const dims = MENTION_FEATURE_NAMES.length;
  const n = Math.max(1, counts === undefined ? rows.length : counts.reduce((a, c) => a + c, 0));
  const w = new Array<number>(dims).fill(0);
  for (let it = 0; it < iterations; it++) {
    const h = Array.from({ length: dims }, () => new Array<number>(dims + 1).fill(0));
    rows.forEach((x, i) => {
      const m = counts === undefined ? 1 : counts[i];
      if (m === 0) return;
      const p = sigmoid(dot(w, x));
      const r = m * ((labels[i] ? 1 : 0) - p);
      const v = m * Math.max(p * (1 - p), 1e-9);
      for (let a = 0; a < dims; a++) {
        if (x[a] === 0) continue;
        h[a][dims] += r * x[a];
        for (let b = 0; b < dims; b++) h[a][b] += v * x[a] * x[b];
      }
    });
    for (let a = 0; a < dims; a++) {
      // A tiny ridge on the bias too keeps the system solvable when a feature never varies.
      const penalty = n * (a === 0 ? 1e-6 : l2);
      h[a][a] += penalty;
      h[a][dims] -= penalty * w[a];
    }
    const step = solve(h);
    let change = 0;
    for (let a = 0; a < dims; a++) {
      w[a] += step[a];
      change = Math.max(change, Math.abs(step[a]));
    }
    if (change < 1e-6) break;
  }
  return w;
}

/** Solves the augmented system [A | b] in place by Gaussian elimination with partial pivoting. */
function solve(m: number[][]): number[] {
  const d = m.length;
  for (let c = 0; c < d; c++) {
    let pivot = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) pivot = r;
    [m[c], m[pivot]] = [m[pivot], m[c]];
    const diag = m[c][c];
    if (Math.abs(diag) < 1e-12) continue;
    for (let r = c + 1; r < d; r++) {
      const f = m[r][c] / diag;
      if (f === 0) continue;
      for (let k = c; k <= d; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Array<number>(d).fill(0);
  for (let r = d - 1; r >= 0; r--) {
    let s = m[r][d];
    for (let k = r + 1; k < d; k++) s -= m[r][k] * x[k];
    x[r] = Math.abs(m[r][r]) < 1e-12 ? 0 : s / m[r][r];
  }
  return x;
}

function minus(total: SurfaceCounts | undefined, own: SurfaceCounts): SurfaceCounts {
  const t = total ?? EMPTY;
  return { positive: t.positive - own.positive, negative: t.negative - own.negative };
}

function memoryToJson(memory: Map<string, SurfaceCounts>): [string, number, number][] {
  return [...memory].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([s, c]) => [s, c.positive, c.negative]);
}

function memoryFromJson(entries: readonly unknown[], source: string): Map<string, SurfaceCounts> {
  const memory = new Map<string, SurfaceCounts>();
  for (const s of entries) {
    if (!Array.isArray(s) || typeof s[0] !== 'string' || typeof s[1] !== 'number' || typeof s[2] !== 'number') throw new LinkerError('usage', `${source}: a memory entry is not [key, positives, negatives].`);
    memory.set(s[0], { positive: s[1], negative: s[2] });
  }
  return memory;
}

function add(counts: Map<string, SurfaceCounts>, key: string, label: boolean): void {
  const c = counts.get(key) ?? EMPTY;
  counts.set(key, label ? { positive: c.positive + 1, negative: c.negative } : { positive: c.positive, negative: c.negative + 1 });
}

/**
 * The threshold in 0.05 steps with the best F1 of the fitted probabilities on the examples (which saw the
 * memory of other groups only, so the figure is not the memory's own echo); ties go to the one nearest 0.5.
 * `smoothed`: the best F1 averaged with the two neighbouring steps', so a threshold at the edge of a plateau (one
 * step from a drop) loses to one inside it.
 */
export function bestThreshold(p: readonly number[], examples: readonly Pick<MentionExample, 'label'>[], smoothed = false): number {
  let best = 0.5;
  let bestF1 = -1;
  const positives = examples.filter((e) => e.label).length;
  const f1At = (t: number): number => {
    let tp = 0;
    let predicted = 0;
    p.forEach((q, i) => {
      if (q < t) return;
      predicted++;
      if (examples[i].label) tp++;
    });
    return predicted + positives === 0 ? 0 : (2 * tp) / (predicted + positives);
  };
  for (let k = 1; k < 20; k++) {
    const t = k / 20;
    const f1 = smoothed ? (f1At(t - 0.05) + f1At(t) + f1At(t + 0.05)) / 3 : f1At(t);
    if (f1 > bestF1 + 1e-12 || (Math.abs(f1 - bestF1) <= 1e-12 && Math.abs(t - 0.5) < Math.abs(best - 0.5))) {
      best = t;
      bestF1 = f1;
    }
  }
  return best;
}

/** Half the best F1 of the probabilities `p` over every cut between them (threshold 'half-f1'). */
export function halfBestF1(p: readonly number[], examples: readonly Pick<MentionExample, 'label'>[]): number {
  const positives = examples.filter((e) => e.label).length;
  const order = p.map((q, i) => ({ q, label: examples[i].label })).sort((a, b) => b.q - a.q);
  let tp = 0;
  let best = 0;
  order.forEach((e, k) => {
    if (e.label) tp++;
    // Cut after the k-th most probable span, where the next one is less probable (ties go together).
    if (k + 1 < order.length && order[k + 1].q === e.q) return;
    best = Math.max(best, (2 * tp) / (k + 1 + positives));
  });
  return best / 2;
}

function dot(w: readonly number[], x: readonly number[]): number {
  let s = 0;
  for (let k = 0; k < w.length; k++) s += w[k] * x[k];
  return s;
}
