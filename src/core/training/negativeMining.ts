import { TopK } from '../index/exactIndex';
import type { VectorHit } from '../index/vectorIndex';
import { dotAt } from '../vectorMath';
import type { SeededRandom } from './seededRandom';

/**
 * Negatives for the contrastive loss (METHOD.md): `random` uniform from the KB, `hard` the top-scoring incorrect
 * entities under the current head, `mixed` half of each (the authors' default). The gold and its declared
 * duplicates are always excluded (the reference code only does so behind a flag).
 */
export type NegativeStrategy = 'random' | 'hard' | 'mixed';

export const NEGATIVE_STRATEGIES: readonly NegativeStrategy[] = ['random', 'hard', 'mixed'];

export interface MiningExample {
  /** KB rows that are correct answers (several when a title maps to several entities). */
  readonly goldRows: readonly number[];
  /** KB rows declared duplicates of the gold: never negatives, never targets. */
  readonly excludedRows?: readonly number[];
  /**
   * A fixed candidate set (WSD: the lemma's senses). Its wrong members are then the only hard negatives (the
   * score among them is what the task ranks); a shortfall of the hard share is filled with random ones.
   */
  readonly candidateRows?: readonly number[];
}

export interface MiningOptions {
  readonly strategy: NegativeStrategy;
  /** Negatives per example (K - 1). */
  readonly count: number;
  readonly rng: SeededRandom;
  /**
   * Sample the hard share from softmax(score / temperature) instead of taking the top, and subtract
   * log(count * q) from each negative's score (the log-q correction; q mixes the uniform and softmax parts).
   */
  readonly sampleTemperature?: number;
}

export interface MinedCandidates {
  /** Gold target first, then the negatives. */
  readonly candidates: number[];
  /** Per candidate, subtracted from its score; present only with sampling. */
  readonly correction?: number[];
}

/** Splits `count` negatives into the hard and random shares of a strategy. */
export function negativeShares(strategy: NegativeStrategy, count: number): { hard: number; random: number } {
  if (strategy === 'random') return { hard: 0, random: count };
  if (strategy === 'hard') return { hard: count, random: 0 };
  const hard = Math.ceil(count / 2);
  return { hard, random: count - hard };
}

/**
 * How many nearest entities an example needs for its hard negatives: the hard share plus its gold and excluded
 * rows (skipped); 0 when it mines none over the whole KB (a fixed candidate set, sampling, or no hard share).
 */
export function hardNegativeDepth(example: MiningExample, options: Pick<MiningOptions, 'strategy' | 'count' | 'sampleTemperature'>): number {
  const { hard } = negativeShares(options.strategy, options.count);
  if (hard === 0 || example.candidateRows !== undefined || options.sampleTemperature !== undefined) return 0;
  return hard + new Set([...example.goldRows, ...(example.excludedRows ?? [])]).size;
}

/**
 * Mines the candidates of one example from `entities` (n x dims, already projected by the head) and the
 * projected mention at `mention[mentionOffset]`. The target is the gold the current head scores highest.
 * `nearest`: the mention's best entities over the whole KB, best first, at least `hardShare(...)` of them
 * (an index search, see `hardNegativeDepth`); the hard negatives are then taken from it instead of scanning
 * every entity (sampling with a temperature still scans, since it needs every score).
 */
export function mineCandidates(
  mention: Float32Array,
  mentionOffset: number,
  entities: Float32Array,
  dims: number,
  example: MiningExample,
  options: MiningOptions,
  nearest?: readonly VectorHit[],
): MinedCandidates {
  const n = entities.length / dims;
  const excluded = new Set<number>([...example.goldRows, ...(example.excludedRows ?? [])]);
  let target = example.goldRows[0]!;
  let targetScore = -Infinity;
  for (const g of example.goldRows) {
    const s = dotAt(mention, mentionOffset, entities, g * dims, dims);
    if (s > targetScore) {
      targetScore = s;
      target = g;
    }
  }
  const shares = negativeShares(options.strategy, options.count);
  const chosen = new Set<number>();
  const negatives: number[] = [];
  const scoreOf = (row: number): number => dotAt(mention, mentionOffset, entities, row * dims, dims);

  if (shares.hard > 0 && example.candidateRows !== undefined) {
    const ranked = example.candidateRows.filter((r) => !excluded.has(r)).map((r) => ({ r, s: scoreOf(r) }));
    ranked.sort((a, b) => b.s - a.s || a.r - b.r);
    for (const { r } of ranked) {
      if (negatives.length >= shares.hard) break;
      if (!chosen.has(r)) {
        chosen.add(r);
        negatives.push(r);
      }
    }
  }
  const temperature = options.sampleTemperature;
  let softmaxProb: ((row: number) => number) | undefined;
  const hardLeft = example.candidateRows === undefined ? shares.hard - negatives.length : 0;
  if (hardLeft > 0 && nearest !== undefined && temperature === undefined) {
    for (const hit of nearest) {
      if (negatives.length >= shares.hard) break;
      if (excluded.has(hit.row) || chosen.has(hit.row)) continue;
      chosen.add(hit.row);
      negatives.push(hit.row);
    }
  } else if (hardLeft > 0) {
    const scores = new Float64Array(n);
    for (let r = 0; r < n; r++) scores[r] = scoreOf(r);
    const top = new TopK(hardLeft);
    if (temperature === undefined) {
      for (let r = 0; r < n; r++) if (!excluded.has(r) && !chosen.has(r)) top.offer(r, scores[r]!);
    } else {
      // Gumbel-top-k: the top keys of s/t + Gumbel noise are a sample without replacement from softmax(s/t).
      let max = -Infinity;
      for (let r = 0; r < n; r++) if (!excluded.has(r)) max = Math.max(max, scores[r]! / temperature);
      let z = 0;
      for (let r = 0; r < n; r++) if (!excluded.has(r)) z += Math.exp(scores[r]! / temperature - max);
      softmaxProb = (row) => Math.exp(scores[row]! / temperature - max) / z;
      for (let r = 0; r < n; r++) {
        if (excluded.has(r) || chosen.has(r)) continue;
        const u = Math.max(options.rng.next(), 1e-12);
        top.offer(r, scores[r]! / temperature - Math.log(-Math.log(u)));
      }
    }
    for (const hit of top.sortedHits()) {
      chosen.add(hit.row);
      negatives.push(hit.row);
    }
  }
  const valid = n - excluded.size;
  const randomWanted = Math.min(shares.random + (shares.hard - negatives.length), valid - negatives.length);
  // Rejection sampling is fast while the KB is much larger than the negatives wanted; a full scan covers the rest.
  let tries = 0;
  let added = 0;
  while (added < randomWanted && tries < randomWanted * 20) {
    tries++;
    const r = options.rng.int(n);
    if (excluded.has(r) || chosen.has(r)) continue;
    chosen.add(r);
    negatives.push(r);
    added++;
  }
  if (added < randomWanted) {
    const rest: number[] = [];
    for (let r = 0; r < n; r++) if (!excluded.has(r) && !chosen.has(r)) rest.push(r);
    options.rng.shuffle(rest);
    for (const r of rest.slice(0, randomWanted - added)) negatives.push(r);
  }
  const candidates = [target, ...negatives];
  if (temperature === undefined || softmaxProb === undefined) return { candidates };
  const count = Math.max(1, negatives.length);
  const hardShare = shares.hard / Math.max(1, options.count);
  const correction = candidates.map((r, i) => (i === 0 ? 0 : Math.log(count * ((1 - hardShare) / Math.max(1, valid) + hardShare * softmaxProb!(r)))));
  return { candidates, correction };
}

export interface RecallResult {
  readonly mentions: number;
  /** recall@k for each k asked, as a fraction of `mentions`. */
  readonly recall: Readonly<Record<number, number>>;
}

/**
 * recall@k of the gold among all entities (or among the example's candidate set when it has one): the rank of
 * the best-scoring gold is the number of other, non-duplicate entities that score strictly higher. The whole-KB
 * examples are counted together over blocks of entity rows (each block read once for all of them), and an
 * example stops counting once its rank reaches the largest k (it is then outside every k).
 */
export function recallAtK(
  mentions: Float32Array,
  mentionOffsets: readonly number[],
  entities: Float32Array,
  dims: number,
  examples: readonly MiningExample[],
  ks: readonly number[],
): RecallResult {
  const n = entities.length / dims;
  const maxK = Math.max(0, ...ks);
  const excluded = examples.map((ex) => new Set<number>([...ex.goldRows, ...(ex.excludedRows ?? [])]));
  const best = examples.map((ex, i) => {
    let b = -Infinity;
    for (const g of ex.goldRows) b = Math.max(b, dotAt(mentions, mentionOffsets[i]!, entities, g * dims, dims));
    return b;
  });
  const ranks = new Int32Array(examples.length);
  const wholeKb: number[] = [];
  examples.forEach((ex, i) => {
    if (ex.candidateRows === undefined) {
      wholeKb.push(i);
      return;
    }
    for (const r of new Set(ex.candidateRows)) if (!excluded[i]!.has(r) && dotAt(mentions, mentionOffsets[i]!, entities, r * dims, dims) > best[i]!) ranks[i]++;
  });
  for (let start = 0; start < n && wholeKb.length > 0; start += RECALL_BLOCK_ROWS) {
    const end = Math.min(n, start + RECALL_BLOCK_ROWS);
    for (const i of wholeKb) {
      if (ranks[i]! >= maxK) continue;
      const off = mentionOffsets[i]!;
      const b = best[i]!;
      let rank = ranks[i]!;
      for (let r = start; r < end; r++) if (dotAt(mentions, off, entities, r * dims, dims) > b && !excluded[i]!.has(r)) rank++;
      ranks[i] = rank;
    }
  }
  const recall: Record<number, number> = {};
  for (const k of ks) {
    let hits = 0;
    for (const rank of ranks) if (rank < k) hits++;
    recall[k] = examples.length === 0 ? 0 : hits / examples.length;
  }
  return { mentions: examples.length, recall };
}

/** Entity rows per block of recallAtK's scan: 128 rows of 512 floats (256 KiB) stay in a core's L2 cache. */
const RECALL_BLOCK_ROWS = 128;
