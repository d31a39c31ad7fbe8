import type { MappedGold } from '../formats/goldMapping';
import { type Fraction, f1, fraction } from './metrics';

/**
 * End-to-end scores of (span, entity) pairs: detection and linking together. `strict` needs the exact gold span
 * and an acceptable id (GERBIL's strong annotation match); `overlap` accepts any overlapping span with an
 * acceptable id, each gold matched once (the weak match, lenient on boundary disagreements such as "the Beatles"
 * vs "Beatles"); `detection` compares spans only, NIL golds included. Gold pairs are the in-KB golds; a
 * prediction with an entity on a NIL or out-of-KB gold span is a false positive. Optional golds (elevant) are
 * neither missed when absent nor counted when found with an acceptable id.
 */
export interface GoldLink {
  readonly documentId: string;
  readonly start: number;
  readonly end: number;
  readonly gold: MappedGold;
  readonly optional?: boolean;
}

export interface PredictedLink {
  readonly documentId: string;
  readonly start: number;
  readonly end: number;
  /** The chosen entity, or null when the linker said NIL. */
  readonly id: string | null;
}

export interface PrecisionRecall {
  readonly truePositives: number;
  readonly predicted: number;
  readonly gold: number;
  readonly precision: Fraction;
  readonly recall: Fraction;
  readonly f1: Fraction;
}

export interface EndToEndMetrics {
  readonly strict: PrecisionRecall;
  readonly overlap: PrecisionRecall;
  readonly detection: PrecisionRecall;
}

function scores(truePositives: number, predicted: number, gold: number): PrecisionRecall {
  const precision = fraction(truePositives, predicted);
  const recall = fraction(truePositives, gold);
  return { truePositives, predicted, gold, precision, recall, f1: f1(precision, recall) };
}

function byDocument<T extends { documentId: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(item.documentId);
    if (list === undefined) {
      out.set(item.documentId, [item]);
    } else {
      list.push(item);
    }
  }
  return out;
}

function linkScores(golds: readonly GoldLink[], predictions: readonly PredictedLink[], matches: (g: GoldLink, p: PredictedLink) => boolean): PrecisionRecall {
  const goldsByDoc = byDocument(golds.filter((g) => g.gold.status === 'in-kb'));
  let tp = 0;
  let predicted = 0;
  for (const [doc, preds] of byDocument(predictions.filter((p) => p.id !== null))) {
    const candidates = goldsByDoc.get(doc) ?? [];
    const used = new Set<GoldLink>();
    const exact = (p: PredictedLink): number => (candidates.some((g) => g.start === p.start && g.end === p.end) ? 0 : 1);
    // Exact-span predictions match first, so an overlapping neighbour cannot take the gold an exact one deserves.
    for (const p of [...preds].sort((a, b) => exact(a) - exact(b))) {
      const id = p.id as string;
      const hit = candidates.find((g) => !used.has(g) && matches(g, p) && g.gold.ids.includes(id));
      if (hit === undefined) {
        predicted++;
        continue;
      }
      used.add(hit);
      if (!hit.optional) {
        tp++;
        predicted++;
      }
    }
  }
  const goldCount = golds.filter((g) => g.gold.status === 'in-kb' && !g.optional).length;
  return scores(tp, predicted, goldCount);
}

export function computeEndToEnd(golds: readonly GoldLink[], predictions: readonly PredictedLink[]): EndToEndMetrics {
  const strict = linkScores(golds, predictions, (g, p) => g.start === p.start && g.end === p.end);
  const overlap = linkScores(golds, predictions, (g, p) => p.start < g.end && g.start < p.end);
  const goldSpans = new Set(golds.filter((g) => !g.optional).map((g) => `${g.documentId}\u0000${g.start}:${g.end}`));
  const optionalSpans = new Set(golds.filter((g) => g.optional).map((g) => `${g.documentId}\u0000${g.start}:${g.end}`));
  const predictedSpans = new Set(predictions.map((p) => `${p.documentId}\u0000${p.start}:${p.end}`));
  let detected = 0;
  let counted = 0;
  for (const span of predictedSpans) {
    if (goldSpans.has(span)) {
      detected++;
      counted++;
    } else if (!optionalSpans.has(span)) {
      counted++;
    }
  }
  return { strict, overlap, detection: scores(detected, counted, goldSpans.size) };
}
