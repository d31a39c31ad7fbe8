import type { MappedGold } from '../formats/goldMapping';

/**
 * Linking metrics as pure functions over per-mention results, following Zeshel/BLINK usage:
 * - recall@k: an acceptable gold id is among the top k ranked candidates, over in-KB mentions;
 * - accuracy: recall@1 over in-KB mentions (the ranking alone; the NIL decision is not consulted);
 * - normalised accuracy: accuracy over the in-KB mentions whose gold is in the top 64 (the ranker's share);
 * - unnormalised accuracy: over all mentions, where an in-KB mention is right when the linker does not say NIL
 *   and ranks a gold first, and a NIL or out-of-KB mention is right when the linker says NIL;
 * - NIL precision/recall: of the NIL decisions, against golds that are NIL for this KB (NIL or out of KB).
 * Fractions lie in 0..1 and are null when their denominator is 0, so an empty set never reads as 0% or 100%.
 */
export interface MentionResult {
  readonly documentId: string;
  /** The unit of macro averages (Zeshel world, benchmark file). */
  readonly collection?: string;
  readonly surface: string;
  readonly gold: MappedGold;
  /** Candidate ids best first, as the linker ranked them. */
  readonly rankedIds: readonly string[];
  readonly predictedNil: boolean;
  /** Linking time attributed to this mention. */
  readonly seconds?: number;
}

export type Fraction = number | null;

export interface LinkingMetrics {
  readonly mentions: number;
  readonly inKb: number;
  readonly outOfKb: number;
  readonly nilGold: number;
  readonly 'recall@1': Fraction;
  readonly 'recall@10': Fraction;
  readonly 'recall@64': Fraction;
  readonly accuracy: Fraction;
  readonly normalizedAccuracy: Fraction;
  readonly unnormalizedAccuracy: Fraction;
  readonly nilPrecision: Fraction;
  readonly nilRecall: Fraction;
  readonly nilF1: Fraction;
  readonly meanSecondsPerMention: Fraction;
}

export const NORMALIZING_K = 64;

export function fraction(numerator: number, denominator: number): Fraction {
  return denominator === 0 ? null : numerator / denominator;
}

/** Harmonic mean; 0 when either side is 0 (no predictions and some gold: F1 0, not undefined), null when either is undefined otherwise. */
export function f1(precision: Fraction, recall: Fraction): Fraction {
  if (precision === 0 || recall === 0) {
    return 0;
  }
  if (precision === null || recall === null) {
    return null;
  }
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

/** 1-based rank of the first acceptable gold among the candidates, or undefined when none is there. */
export function goldRank(result: MentionResult): number | undefined {
  const gold = new Set(result.gold.ids);
  const i = result.rankedIds.findIndex((id) => gold.has(id));
  return i < 0 ? undefined : i + 1;
}

/** True when the mention counts as correct in the unnormalised (all-mentions) accuracy. */
export function isCorrectOverall(result: MentionResult): boolean {
  if (result.gold.status === 'in-kb') {
    return !result.predictedNil && goldRank(result) === 1;
  }
  return result.predictedNil;
}

export function computeLinkingMetrics(results: readonly MentionResult[]): LinkingMetrics {
  let inKb = 0;
  let outOfKb = 0;
  let nilGold = 0;
  let at1 = 0;
  let at10 = 0;
  let at64 = 0;
  let overall = 0;
  let predictedNil = 0;
  let nilHit = 0;
  let timed = 0;
  let seconds = 0;
  for (const r of results) {
    const goldIsNil = r.gold.status !== 'in-kb';
    if (r.gold.status === 'in-kb') {
      inKb++;
      const rank = goldRank(r);
      if (rank !== undefined) {
        at1 += rank <= 1 ? 1 : 0;
        at10 += rank <= 10 ? 1 : 0;
        at64 += rank <= NORMALIZING_K ? 1 : 0;
      }
    } else if (r.gold.status === 'out-of-kb') {
      outOfKb++;
    } else {
      nilGold++;
    }
    overall += isCorrectOverall(r) ? 1 : 0;
    if (r.predictedNil) {
      predictedNil++;
      nilHit += goldIsNil ? 1 : 0;
    }
    if (r.seconds !== undefined) {
      timed++;
      seconds += r.seconds;
    }
  }
  const nilPrecision = fraction(nilHit, predictedNil);
  const nilRecall = fraction(nilHit, outOfKb + nilGold);
  return {
    mentions: results.length,
    inKb,
    outOfKb,
    nilGold,
    'recall@1': fraction(at1, inKb),
    'recall@10': fraction(at10, inKb),
    'recall@64': fraction(at64, inKb),
    accuracy: fraction(at1, inKb),
    normalizedAccuracy: fraction(at1, at64),
    unnormalizedAccuracy: fraction(overall, results.length),
    nilPrecision,
    nilRecall,
    nilF1: f1(nilPrecision, nilRecall),
    meanSecondsPerMention: fraction(seconds, timed),
  };
}

export interface GroupBreakdown {
  readonly key: string;
  readonly mentions: number;
  readonly inKb: number;
  readonly accuracy: Fraction;
  readonly 'recall@64': Fraction;
  readonly unnormalizedAccuracy: Fraction;
}

/** Metrics per group (document, collection, surface form), in first-seen order. */
export function breakdown(results: readonly MentionResult[], keyOf: (r: MentionResult) => string): GroupBreakdown[] {
  const groups = new Map<string, MentionResult[]>();
  for (const r of results) {
    const key = keyOf(r);
    const list = groups.get(key);
    if (list === undefined) {
      groups.set(key, [r]);
    } else {
      list.push(r);
    }
  }
  return [...groups].map(([key, list]) => {
    const m = computeLinkingMetrics(list);
    return { key, mentions: m.mentions, inKb: m.inKb, accuracy: m.accuracy, 'recall@64': m['recall@64'], unnormalizedAccuracy: m.unnormalizedAccuracy };
  });
}

/** Per surface form, most frequent first: where the linker fails on a name repeatedly. */
export function surfaceBreakdown(results: readonly MentionResult[], limit = 50): GroupBreakdown[] {
  return breakdown(results, (r) => r.surface)
    .sort((a, b) => b.mentions - a.mentions || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, limit);
}

export interface MacroAverages {
  /** The number of groups; a group whose value is undefined (no in-KB mention) is left out of that mean. */
  readonly groups: number;
  readonly accuracy: Fraction;
  readonly 'recall@64': Fraction;
  readonly unnormalizedAccuracy: Fraction;
}

/** Macro average: the mean over groups of each group's fraction (groups where it is undefined are left out). */
export function macroAverage(groups: readonly GroupBreakdown[]): MacroAverages {
  const mean = (values: Fraction[]): Fraction => {
    const defined = values.filter((v): v is number => v !== null);
    return defined.length === 0 ? null : defined.reduce((a, b) => a + b, 0) / defined.length;
  };
  return {
    groups: groups.length,
    accuracy: mean(groups.map((g) => g.accuracy)),
    'recall@64': mean(groups.map((g) => g['recall@64'])),
    unnormalizedAccuracy: mean(groups.map((g) => g.unnormalizedAccuracy)),
  };
}
