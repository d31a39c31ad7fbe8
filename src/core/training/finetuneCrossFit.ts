import { throwIfAborted } from '../errors';
import type { GoldDocument } from '../formats/goldDocument';
import type { KnowledgeBase } from '../kb/knowledgeBase';
import { ExactIndex } from '../index/exactIndex';
import type { VectorIndex } from '../index/vectorIndex';
import type { ExemplarMemoryJson } from '../learning/exemplarMemory';
import { exemplarsFromGold } from '../learning/exemplarTraining';
import type { TrainOptions } from '../learning/rankerTrainer';
import { Linker, type LinkerOptions } from '../linker/linker';
import type { RankerWeights } from '../linker/ranker';
import type { TextEncoder } from '../encoder/encoder';
import { type HeadWeights, identityHead, projectRows } from '../encoder/finetuned/head';
import type { TextTemplateOptions } from '../linker/textTemplates';
import { type CrossFit, type FoldMention, crossFit, documentFolds, linkFold, otherFolds } from './crossFitSelection';
import type { GoldReading } from './finetuneRanker';
import { HeadSwitchEncoder } from './headSwitchEncoder';
import { type ExampleCounts, type ExampleOptions, type TrainingMention, trainingMentions } from './trainingExamples';
import { type EpochReport, type HeadExample, type HeadTrainingOptions, type HeadTrainingResult, type TrainingProgress, trainHead } from './trainHead';
import { documentGroup } from './documentGroups';

/** Folds of the cross-fitted selection when none is asked for. */
export const DEFAULT_FOLDS = 3;

export interface CrossFitInput {
  readonly docs: readonly GoldDocument[];
  readonly folds: number;
  readonly kb: KnowledgeBase;
  readonly encoder: TextEncoder;
  readonly entityVectors: Float32Array;
  readonly entityIndex?: VectorIndex;
  readonly entityPrior?: (row: number) => number | undefined;
  readonly formPrior?: (row: number, form: string) => number | undefined;
  readonly linkerOptions?: Partial<Omit<LinkerOptions, 'template'>>;
  readonly template: TextTemplateOptions;
  readonly exampleOptions: ExampleOptions;
  readonly reading: GoldReading;
  readonly training: HeadTrainingOptions;
  readonly rankerBase: RankerWeights;
  readonly ranker?: Partial<TrainOptions>;
  /** The parent's vectors of mention texts (n x dims, in order). */
  readonly encodeMentions: (texts: readonly string[]) => Promise<Float32Array>;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: TrainingProgress) => void;
}

export interface CrossFitEpoch {
  readonly epoch: number;
  readonly fit: CrossFit;
}

export interface CrossFitResult {
  /** The head trained on every document for the chosen epoch count. */
  readonly training: HeadTrainingResult;
  readonly weights: RankerWeights;
  /** Whether the refitted ranker won over the base weights kept as they are. */
  readonly refitted: boolean;
  readonly bestEpoch: number;
  /** Pooled out-of-fold accuracy of the identity head with the base ranker, and of the choice. */
  readonly before: number;
  readonly after: number;
  readonly epochs: readonly CrossFitEpoch[];
  readonly mentions: readonly TrainingMention[];
  readonly counts: ExampleCounts;
  readonly folds: number;
  /** Every document's exemplars through the shipped head. */
  readonly exemplars: ExemplarMemoryJson;
}

/**
 * `finetune`'s cross-fitted selection (see crossFitSelection.ts): the documents are dealt into folds; per fold a
 * head is trained on the other folds' mentions; for each epoch every fold is linked with its own head and the
 * other folds' learned state, and the rankers fitted on the other folds score it. The epoch (and whether the
 * refitted ranker beats the base one) is chosen on that pooled accuracy, stopping after `patience` epochs
 * without a better one; the head shipped is trained on every document for the chosen epoch count and the
 * ranker shipped is the average of the chosen epoch's fold rankers.
 */
export async function crossFitFinetune(input: CrossFitInput): Promise<CrossFitResult> {
  const { kb, signal, training } = input;
  const dims = input.encoder.dims;
  const folds = documentFolds(input.docs, Math.min(input.folds, new Set(input.docs.map(documentGroup)).size), training.seed, documentGroup);
  const perFold = folds.map((f) => trainingMentions(f, kb, input.exampleOptions));
  const mentions = perFold.flatMap((f) => f.mentions);
  const mentionVectors = await input.encodeMentions(mentions.map((m) => m.text));
  const offsets: number[] = [];
  perFold.reduce((at, f) => (offsets.push(at), at + f.mentions.length), 0);
  const examplesOf = (k: number): HeadExample[] => perFold[k]!.mentions.map((m, i) => asExample(m, offsets[k]! + i));
  const base = { dims, entityVectors: input.entityVectors, mentionVectors, ...(input.entityIndex === undefined ? {} : { entityIndex: input.entityIndex }) };
  const schedule = { ...training, patience: training.epochs + 1 };

  // One head per fold, trained on the other folds, kept at every epoch (epoch 0: the identity).
  const heads: HeadWeights[][] = [];
  const reports: EpochReport[][] = [];
  for (let k = 0; k < folds.length; k++) {
    const train = folds.flatMap((_, j) => (j === k ? [] : examplesOf(j)));
    const kept: HeadWeights[] = [];
    const foldReports: EpochReport[] = [];
    heads.push(kept);
    reports.push(foldReports);
    if (train.length === 0) continue;
    await trainHead({ ...base, train, dev: examplesOf(k) }, schedule, {
      signal,
      // Their epoch reports are kept for the selection's; their training progress is passed on.
      onProgress: (p) => (p.stage === 'epoch' ? foldReports.push(p.report) : p.stage === 'evaluate' ? undefined : input.onProgress?.(p)),
      select: async (head, epoch) => {
        kept[epoch] = head;
        return 0;
      },
    });
  }

  const encoder = new HeadSwitchEncoder(input.encoder);
  const index = input.entityIndex ?? new ExactIndex(projectRows(identityHead(dims, 1).entity, input.entityVectors, dims), dims);
  const linker = new Linker({
    kb,
    encoder,
    index,
    rankerWeights: input.rankerBase,
    ...(input.entityPrior === undefined ? {} : { entityPrior: input.entityPrior }),
    ...(input.formPrior === undefined ? {} : { formPrior: input.formPrior }),
    options: { ...input.linkerOptions, template: input.template, hardNegatives: 0 },
  });
  const rankerTrain = { seed: training.seed, ...input.ranker };
  const epochs: CrossFitEpoch[] = [];
  let best = { epoch: 0, score: -1, refitted: false };
  let stale = 0;
  for (let epoch = 0; epoch <= training.epochs; epoch++) {
    const started = performance.now();
    const linked: FoldMention[][] = [];
    for (let k = 0; k < folds.length; k++) {
      throwIfAborted(signal);
      input.onProgress?.({ stage: 'evaluate', epoch, done: k, total: folds.length });
      const head = heads[k]![epoch] ?? heads[k]!.at(-1);
      encoder.head = head;
      linked.push(await linkFold(linker, folds[k]!, otherFolds(folds, k), input.reading, signal));
    }
    const fit = crossFit(linked, input.rankerBase, rankerTrain, signal);
    epochs.push({ epoch, fit });
    if (epoch > 0) input.onProgress?.({ stage: 'epoch', report: meanReport(reports, epoch, training.epochs, Math.max(fit.refitAccuracy, fit.baseAccuracy), (performance.now() - started) / 1000) });
    const score = Math.max(fit.refitAccuracy, fit.baseAccuracy);
    if (score > best.score) {
      best = { epoch, score, refitted: fit.refitAccuracy > fit.baseAccuracy };
      stale = 0;
    } else if (epoch > 0 && ++stale >= training.patience) {
      break;
    }
  }

  // The head shipped: every document's mentions, the same schedule, stopped at the chosen epoch.
  const all = folds.flatMap((_, k) => examplesOf(k));
  const final = await trainHead({ ...base, train: all, dev: all }, schedule, { signal, stopAfter: best.epoch, select: async (_head, epoch) => epoch });
  const chosen = epochs[best.epoch]!.fit;
  // Every document's exemplars through the head shipped (what the folder's learned.json carries).
  encoder.head = final.head;
  const exemplars = (await exemplarsFromGold(linker, input.docs, input.reading.mapGold, signal)).toJSON();
  const weights: RankerWeights = best.refitted
    ? { ...chosen.weights, source: `average of ${folds.length} cross-fitted rankers refitted on ${chosen.examples} training mentions from ${input.rankerBase.source ?? 'the parent weights'}` }
    : input.rankerBase;
  return {
    training: final,
    weights,
    refitted: best.refitted,
    bestEpoch: best.epoch,
    before: epochs[0]!.fit.baseAccuracy,
    after: best.score,
    epochs,
    mentions,
    counts: trainingMentions(input.docs, kb, input.exampleOptions).counts,
    folds: folds.length,
    exemplars,
  };
}

function asExample(m: TrainingMention, row: number): HeadExample {
  return { mentionRow: row, goldRows: m.goldRows, excludedRows: m.excludedRows, ...(m.candidateRows === undefined ? {} : { candidateRows: m.candidateRows }) };
}

/** The folds' reports of one epoch as one (mean loss and dev recall over folds, summed seconds), with the selection score. */
function meanReport(reports: readonly (readonly EpochReport[])[], epoch: number, epochs: number, selection: number, selectionSeconds: number): EpochReport {
  const rs = reports.map((r) => r[epoch - 1]).filter((r): r is EpochReport => r !== undefined);
  const mean = (get: (r: EpochReport) => number): number => rs.reduce((a, r) => a + get(r), 0) / Math.max(1, rs.length);
  return {
    epoch,
    epochs,
    loss: mean((r) => r.loss),
    steps: rs.reduce((a, r) => a + r.steps, 0),
    dev: { mentions: rs.reduce((a, r) => a + r.dev.mentions, 0), 'recall@1': mean((r) => r.dev['recall@1']), 'recall@10': mean((r) => r.dev['recall@10']), 'recall@64': mean((r) => r.dev['recall@64']) },
    selection,
    seconds: rs.reduce((a, r) => a + r.seconds, 0),
    selectionSeconds,
  };
}
