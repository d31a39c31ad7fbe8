import { throwIfAborted } from '../errors';
import { evaluate } from '../eval/evaluate';
import type { GoldMapper } from '../formats/goldMapping';
import type { GoldDocument, GoldMention } from '../formats/goldDocument';
import { spanProblem } from '../formats/goldDocument';
import { AnnotatorMemory } from '../learning/annotatorMemory';
import { ExemplarMemory } from '../learning/exemplarMemory';
import type { ExemplarMemoryJson } from '../learning/exemplarMemory';
import { exemplarsFromGold } from '../learning/exemplarTraining';
import type { LearnedState } from '../learning/learnedState';
import { refitRanker } from '../learning/onlineLearner';
import type { RankingExample, TrainOptions } from '../learning/rankerTrainer';
import type { Linker } from '../linker/linker';
import type { RankerWeights } from '../linker/ranker';
import { kbKindOfCandidates } from '../linker/rankerProfiles';
import type { SpanRequest } from '../linker/types';
import { splitByDocument } from '../formats/documentSplit';
import { documentGroup } from './documentGroups';

/** How gold documents are read against the KB (as eval and the head's training read them). */
export interface GoldReading {
  readonly mapGold: GoldMapper;
  readonly candidatesFor?: (mention: GoldMention, doc: GoldDocument) => readonly string[] | undefined;
}

/**
 * What training documents teach beyond weights: every in-KB gold mention is an accepted decision (its surface
 * form becomes a name of the entity, and counts toward the annotators' prior p(entity | form)); every NIL one
 * a NIL decision.
 */
export function memoryFromGold(docs: readonly GoldDocument[], reading: GoldReading): AnnotatorMemory {
  const memory = new AnnotatorMemory();
  for (const doc of docs) {
    for (const m of doc.mentions) {
      if (spanProblem(doc.text, m.start, m.end, m.text) !== undefined) continue;
      const gold = reading.mapGold(m);
      if (gold.status === 'in-kb' && gold.ids.length > 0) memory.observe({ text: m.text, action: 'accept', entityId: gold.ids[0]! });
      else if (gold.status === 'nil') memory.observe({ text: m.text, action: 'nil', entityId: null });
    }
  }
  return memory;
}

export function learnedStateOf(memory: AnnotatorMemory, weights?: RankerWeights, exemplars?: ExemplarMemoryJson): LearnedState {
  return { version: 1, memory: memory.toJSON(), ...(exemplars === undefined ? {} : { exemplars }), decisions: memory.size, ...(weights === undefined ? {} : { weights }) };
}

/** Candidates scored per training mention: the retrieved set is the hard negatives. */
const EXAMPLE_DEPTH = 64;

/** The link requests for a gold document's in-KB mentions (with their given candidates), and each one's gold ids. */
export function goldSpanRequests(doc: GoldDocument, reading: GoldReading): { request: SpanRequest; goldIds: readonly string[] }[] {
  const spans: { request: SpanRequest; goldIds: readonly string[] }[] = [];
  for (const m of doc.mentions) {
    if (spanProblem(doc.text, m.start, m.end, m.text) !== undefined) continue;
    const gold = reading.mapGold(m);
    if (gold.status !== 'in-kb') continue;
    const candidateIds = m.candidateIds ?? reading.candidatesFor?.(m, doc);
    spans.push({ request: candidateIds === undefined ? { start: m.start, end: m.end } : { start: m.start, end: m.end, candidateIds }, goldIds: gold.ids });
  }
  return spans;
}

/**
 * Ranking examples from linking the gold spans of `docs`: the retrieved candidates with the linker's features,
 * the gold among them. The memory features (annotator prior, confirmed names) are cross-fitted: the documents are
 * split in two halves and each half is linked with the memory of the other, so the ranker learns how much the
 * prior of *other* documents' decisions is worth, as it will be used — never a mention's own label.
 */
export async function rankingExamples(
  linker: Linker,
  docs: readonly GoldDocument[],
  reading: GoldReading,
  seed: number,
  signal?: AbortSignal,
): Promise<{ examples: RankingExample[]; goldNotRetrieved: number; exemplars: ExemplarMemoryJson }> {
  const halves = splitByDocument(docs, 0.5, seed, documentGroup);
  const examples: RankingExample[] = [];
  let goldNotRetrieved = 0;
  // Each half's exemplars (its gold mentions' in-context vectors through this linker's encoder), cross-fitted as the memory.
  const exemplarsOf = new Map<readonly GoldDocument[], ExemplarMemoryJson>();
  for (const half of [halves.train, halves.dev]) exemplarsOf.set(half, (await exemplarsFromGold(linker, half, reading.mapGold, signal)).toJSON());
  for (const [part, other] of [[halves.train, halves.dev], [halves.dev, halves.train]] as const) {
    linker.setLearnedState(learnedStateOf(memoryFromGold(other, reading), undefined, exemplarsOf.get(other)));
    for (const doc of part) {
      throwIfAborted(signal);
      const spans = goldSpanRequests(doc, reading);
      if (spans.length === 0) continue;
      const linked = await linker.linkSpans(doc.text, spans.map((s) => s.request), { signal, topK: EXAMPLE_DEPTH });
      linked.forEach((l, i) => {
        const gold = l.candidates.findIndex((c) => spans[i]!.goldIds.includes(c.id));
        if (gold < 0 || l.candidates.some((c) => c.features === undefined)) {
          goldNotRetrieved++;
          return;
        }
        if (l.candidates.length >= 2) examples.push({ features: l.candidates.map((c) => [...c.features!]), gold, profile: kbKindOfCandidates(l.candidates) });
      });
    }
  }
  linker.setLearnedState(undefined);
  return { examples, goldNotRetrieved, exemplars: ExemplarMemory.merge(exemplarsOf.get(halves.train)!, exemplarsOf.get(halves.dev)!) };
}

/** The whole linker's accuracy on gold spans (in-KB mentions; NIL answers count as wrong), as `eval` reports it. */
export async function linkerAccuracy(linker: Linker, docs: readonly GoldDocument[], reading: GoldReading, signal?: AbortSignal): Promise<number> {
  const report = await evaluate({ docs, linker, mapGold: reading.mapGold, ...(reading.candidatesFor === undefined ? {} : { candidatesFor: reading.candidatesFor }), topK: 1, skipInvalid: true, signal });
  return report.metrics.accuracy ?? 0;
}

export interface RankerFit {
  readonly weights: RankerWeights;
  /** Whole-linker accuracy on the dev documents with these weights and the training documents' memory. */
  readonly devAccuracy: number;
  readonly examples: number;
  readonly goldNotRetrieved: number;
  readonly seconds: number;
  /** The training documents' exemplars through the fit's encoder (what the folder's learned.json should carry). */
  readonly exemplars: ExemplarMemoryJson;
}

/**
 * Fits the ranker on the training documents as linked by `linker` (its encoder decides the dense features) and
 * scores the result on the dev documents with the training documents' memory: the number fine-tuning selects on.
 */
export async function fitRanker(
  linker: Linker,
  train: readonly GoldDocument[],
  dev: readonly GoldDocument[],
  reading: GoldReading,
  base: RankerWeights,
  options: { readonly seed: number; readonly train?: Partial<TrainOptions>; readonly signal?: AbortSignal },
): Promise<RankerFit> {
  const started = performance.now();
  const { examples, goldNotRetrieved, exemplars } = await rankingExamples(linker, train, reading, options.seed, options.signal);
  // The parent's kind (linear or residual MLP), refitted as the online learner does (refitRanker).
  const fitted = refitRanker(examples, base, { seed: options.seed, ...options.train }, options.signal);
  const weights: RankerWeights = { ...fitted.weights, source: `fine-tuned on ${examples.length} training mentions from ${base.source ?? 'the parent weights'}` };
  linker.setLearnedState(learnedStateOf(memoryFromGold(train, reading), weights, exemplars));
  try {
    const devAccuracy = await linkerAccuracy(linker, dev, reading, options.signal);
    return { weights, devAccuracy, examples: examples.length, goldNotRetrieved, seconds: (performance.now() - started) / 1000, exemplars };
  } finally {
    linker.setLearnedState(undefined);
  }
}
