import type { TextEncoder } from '../encoder/encoder';
import { type FinetunedManifest, writeFinetunedModel } from '../encoder/finetuned/finetunedModel';
import { LinkerError, throwIfAborted } from '../errors';
import type { GoldDocument } from '../formats/goldDocument';
import { kbContentHash } from '../kb/kbContentHash';
import type { KnowledgeBase } from '../kb/knowledgeBase';
import { ExactIndex } from '../index/exactIndex';
import type { VectorIndex } from '../index/vectorIndex';
import type { TrainOptions } from '../learning/rankerTrainer';
import { Linker, type LinkerOptions } from '../linker/linker';
import { type RankerWeights, serializeRankerWeights } from '../linker/ranker';
import { DEFAULT_TEMPLATE, entityText, templateId, type TextTemplateOptions } from '../linker/textTemplates';
import { DEFAULT_DEV_FRACTION, splitByDocument } from '../formats/documentSplit';
import { type GoldReading, type RankerFit, fitRanker, learnedStateOf, linkerAccuracy, memoryFromGold } from './finetuneRanker';
import { HeadSwitchEncoder } from './headSwitchEncoder';
import { DEFAULT_FOLDS, crossFitFinetune } from './finetuneCrossFit';
import { LEARNED_FILE, mergeMemories } from './modelLearnedState';
import { AnnotatorMemory } from '../learning/annotatorMemory';
import { exemplarsFromGold } from '../learning/exemplarTraining';
import type { LearnedState } from '../learning/learnedState';
import { type HeadWeights, identityHead, projectRows } from '../encoder/finetuned/head';
import { type ExampleCounts, type ExampleOptions, type TrainingMention, trainingDataHash, trainingMentions } from './trainingExamples';
import { headTrainingOptions, type HeadExample, type HeadTrainingOptions, type HeadTrainingResult, type TrainingProgress, trainHead } from './trainHead';
import { documentGroup } from './documentGroups';

export interface FinetuneOptions extends ExampleOptions {
  /** Training documents (any gold format, or exported training JSONL read as gold). */
  readonly train: readonly GoldDocument[];
  /** Dev documents; without them a seeded by-document split of `train` (devFraction of the documents). */
  readonly dev?: readonly GoldDocument[];
  readonly devFraction?: number;
  readonly kb: KnowledgeBase;
  /** The parent encoder (frozen). */
  readonly encoder: TextEncoder;
  /** The parent's model folder (named in the new manifest; the new model loads it). */
  readonly parentDir: string;
  /** The parent's vectors of every KB entity (`entityText`, role 'entity'), n x dims in KB order; encoded here when absent. */
  readonly entityVectors?: Float32Array;
  /** The parent's ranker weights: the ranker is refitted from them for the new head. */
  readonly rankerWeights: RankerWeights;
  /**
   * The parent's entity index (vectors of `entityText`, KB order), for linking dev documents while selecting;
   * without it an exact index over `entityVectors` is built.
   */
  readonly entityIndex?: VectorIndex;
  /** The KB's prior of an entity row (WordNet sense counts), as the session's linker has it. */
  readonly entityPrior?: (row: number) => number | undefined;
  /** The KB's count of an entity row under a mention's word (WordNet sense tag counts per lemma), as the session's linker has it. */
  readonly formPrior?: (row: number, form: string) => number | undefined;
  /** Linker options the selection links with (the session's). */
  readonly linkerOptions?: Partial<Omit<LinkerOptions, 'template'>>;
  /**
   * What picks the epoch to keep: 'linker' (the default): the whole linker's dev accuracy with a ranker
   * refitted for each epoch's head and the training documents' learned state; 'cross-fit': the whole linker's
   * accuracy pooled over K folds of the training documents (dev documents too), each linked by a head and a
   * learned state that never saw it and scored by rankers fitted on the other folds (finetuneCrossFit.ts; less
   * variance, but on elevant it never kept the head and scored below 'linker' held out: docs/BENCHMARKS.md);
   * 'recall': the head's dev recall@64 alone (faster, and the head alone is trained: the parent's ranker
   * weights are kept).
   */
  readonly selectOn?: FinetuneSelection;
  /** Folds of the cross-fitted selection (default DEFAULT_FOLDS). */
  readonly folds?: number;
  /**
   * What the editor learned online from the same annotations (the workspace's state), folded into the folder:
   * its refitted weights are where the ranker's fit starts, its rejected forms join the folder's memory (the
   * accepted and NIL decisions are the training documents themselves, so they are not counted twice).
   */
  readonly online?: LearnedState;
  /**
   * What the run learns: 'all' (the default: head, ranker and learned.json with the annotator memory and the
   * exemplars); 'exemplars': the training documents' exemplars alone (learned.json without confirmed names or
   * prior), the parent's encoder (no head trained: an identity head) and its ranker weights kept. For WordNet
   * senses, where the memory and a refit on in-domain sentences cost held-out accuracy (docs/BENCHMARKS.md).
   */
  readonly learn?: FinetuneLearning;
  /** Options of the ranker's training (seed defaults to the head's). */
  readonly ranker?: Partial<TrainOptions>;
  readonly outDir: string;
  readonly overwrite?: boolean;
  readonly training?: Partial<HeadTrainingOptions>;
  readonly template?: TextTemplateOptions;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: FinetuneProgress) => void;
}

export const FINETUNE_SELECTIONS = ['cross-fit', 'linker', 'recall'] as const;
export const FINETUNE_LEARNING = ['all', 'exemplars'] as const;
export type FinetuneLearning = (typeof FINETUNE_LEARNING)[number];
export type FinetuneSelection = (typeof FINETUNE_SELECTIONS)[number];

export type FinetuneProgress = TrainingProgress | { readonly stage: 'encode-mentions' | 'encode-entities'; readonly done: number; readonly total: number };

export interface FinetuneResult {
  readonly outDir: string;
  readonly manifest: FinetunedManifest;
  readonly training: HeadTrainingResult;
  readonly counts: { readonly train: ExampleCounts; readonly dev: ExampleCounts; readonly trainMentions: number; readonly devMentions: number };
  /** The parent entity vectors mapped by the new head (n x dims, KB order): what the new model's index holds. */
  readonly projectedEntities: Float32Array;
  /** The folder's learned.json (absent when the head alone was trained). */
  readonly learned?: LearnedState;
}

/**
 * Fine-tunes a scoring head on gold documents and writes a new model folder (see finetunedModel.ts). The parent
 * encoder runs once per mention and once per entity; everything after that is the head. Nothing is written
 * under `outDir` until training has finished, so a cancelled or failed run leaves no folder behind.
 */
export async function finetune(options: FinetuneOptions): Promise<FinetuneResult> {
  const { kb, encoder, signal } = options;
  const template = options.template ?? DEFAULT_TEMPLATE;
  const exemplarsOnly = options.learn === 'exemplars';
  // --learn exemplars: no epoch (the identity head, its dev metrics before = after), nothing selected.
  const training = exemplarsOnly ? { ...headTrainingOptions(options.training), epochs: 0 } : headTrainingOptions(options.training);
  const devFraction = options.devFraction ?? DEFAULT_DEV_FRACTION;
  const selectOn = options.selectOn ?? 'linker';
  const documents = [...options.train, ...(options.dev ?? [])];
  if (selectOn === 'cross-fit' && !exemplarsOnly && !training.trainEntitySide && new Set(documents.map(documentGroup)).size >= 2) return finetuneCrossFitted(options, documents, template, training);
  let trainDocs = options.train;
  let devDocs = options.dev;
  if (devDocs === undefined) {
    const split = splitByDocument(options.train, devFraction, training.seed, documentGroup);
    trainDocs = split.train;
    devDocs = split.dev;
  }
  const exampleOptions: ExampleOptions = { mapGold: options.mapGold, candidatesFor: options.candidatesFor, duplicatesOf: options.duplicatesOf, template };
  const train = trainingMentions(trainDocs, kb, exampleOptions);
  const dev = trainingMentions(devDocs, kb, exampleOptions);
  if (train.mentions.length === 0) throw noMentionError(train.counts, kb.name);

  const all: TrainingMention[] = [...train.mentions, ...dev.mentions];
  const mentionVectors = await encodeFlat(encoder, all.map((m) => m.text), 'mention', signal, (done, total) => options.onProgress?.({ stage: 'encode-mentions', done, total }));
  const entityVectors = await parentEntityVectors(options, template);
  const asExample = (m: TrainingMention, row: number): HeadExample => ({
    mentionRow: row,
    goldRows: m.goldRows,
    excludedRows: m.excludedRows,
    ...(m.candidateRows === undefined ? {} : { candidateRows: m.candidateRows }),
  });
  const reading: GoldReading = { mapGold: options.mapGold, ...(options.candidatesFor === undefined ? {} : { candidatesFor: options.candidatesFor }) };
  const rankerBase = options.online?.weights ?? options.rankerWeights;
  const selector = selectOn !== 'recall' && !exemplarsOnly && !training.trainEntitySide ? linkerSelector({ ...options, rankerWeights: rankerBase }, entityVectors, template, trainDocs, devDocs, reading, training.seed) : undefined;
  const linkerBefore = selector === undefined ? undefined : await selector.parentAccuracy();
  const result = await trainHead(
    {
      dims: encoder.dims,
      entityVectors,
      mentionVectors,
      train: train.mentions.map((m, i) => asExample(m, i)),
      dev: dev.mentions.map((m, i) => asExample(m, train.mentions.length + i)),
      // The parent's index holds the (frozen) entity vectors: hard negatives are searched in it.
      ...(options.entityIndex === undefined ? {} : { entityIndex: options.entityIndex }),
    },
    training,
    { signal, onProgress: options.onProgress, ...(selector === undefined ? {} : { select: selector.select }) },
  );
  throwIfAborted(signal);
  const fit = selector?.fits.get(result.bestEpoch);
  const rankerWeights = fit?.weights ?? options.rankerWeights;
  // The folder's learned state: what every training document (dev included) confirmed, and the training documents'
  // exemplars through the chosen head (the ranker's `exemplar` feature); weights are in ranker.json.
  const learned = exemplarsOnly
    ? await exemplarsOnlyState(options, template, [...trainDocs, ...devDocs])
    : selector === undefined ? undefined : foldRejections(learnedStateOf(memoryFromGold([...trainDocs, ...devDocs], reading), undefined, fit?.exemplars), options.online);
  const linkerMetrics = linkerBefore === undefined || fit === undefined ? undefined : { before: linkerBefore, after: fit.devAccuracy, selectedOn: 'whole-linker dev accuracy (gold spans)' };
  return writeFolder(options, {
    training,
    result,
    rankerWeights,
    rankerHow: fit === undefined ? `ranker weights kept from ${options.rankerWeights.source ?? 'the parent'}${exemplarsOnly ? ' (learn: exemplars)' : ''}` : `${fit.examples} training mentions, whole-linker dev accuracy ${(100 * fit.devAccuracy).toFixed(1)}%`,
    ...(learned === undefined ? {} : { learned }),
    ...(linkerMetrics === undefined ? {} : { linkerMetrics }),
    train,
    dev,
    hyperparameters: { devFraction: options.dev === undefined ? devFraction : null, ...(exemplarsOnly ? { learn: 'exemplars' } : {}) },
    trainingInfo: { devSource: options.dev === undefined ? 'split' : 'given', ...(fit === undefined ? {} : { ranker: { examples: fit.examples, goldNotRetrieved: fit.goldNotRetrieved, seconds: fit.seconds } }) },
    entityVectors,
  });
}

interface FolderContent {
  readonly training: HeadTrainingOptions;
  readonly result: HeadTrainingResult;
  readonly rankerWeights: RankerWeights;
  readonly rankerHow: string;
  readonly learned?: LearnedState;
  readonly linkerMetrics?: { readonly before: number; readonly after: number; readonly selectedOn: string };
  readonly train: { readonly mentions: readonly TrainingMention[]; readonly counts: ExampleCounts };
  readonly dev: { readonly mentions: readonly TrainingMention[]; readonly counts: ExampleCounts };
  readonly hyperparameters: Readonly<Record<string, unknown>>;
  readonly trainingInfo: Readonly<Record<string, unknown>>;
  readonly entityVectors: Float32Array;
}

/** Writes the model folder (head, ranker.json, learned.json, manifest) and the result both selections return. */
function writeFolder(options: FinetuneOptions, c: FolderContent): FinetuneResult {
  const { kb, encoder } = options;
  const template = options.template ?? DEFAULT_TEMPLATE;
  const { result, learned, train, dev } = c;
  const kbHash = kbContentHash(kb);
  const manifest = writeFinetunedModel(
    options.outDir,
    {
      parentDir: options.parentDir,
      parentModelId: encoder.modelId,
      head: result.head,
      rankerJson: rankerJsonFor(c.rankerWeights, c.rankerHow, options.parentDir),
      ...(learned === undefined ? {} : { jsonFiles: { [LEARNED_FILE]: learned } }),
      dataHash: trainingDataHash(kbHash, train.mentions, dev.mentions),
      hyperparameters: { ...c.training, ...c.hyperparameters, templateId: templateId(template) },
      seed: c.training.seed,
      metrics: { before: result.before, after: result.after, bestEpoch: result.bestEpoch, ...(c.linkerMetrics === undefined ? {} : { linker: c.linkerMetrics }) },
      training: {
        kb: { name: kb.name, size: kb.size, hash: kbHash },
        trainCounts: train.counts,
        devCounts: dev.counts,
        ...c.trainingInfo,
        epochs: result.epochs,
        seconds: result.seconds,
        ...(learned === undefined ? {} : { learned: { decisions: learned.decisions, entitiesWithNames: Object.keys(learned.memory.names).length } }),
      },
    },
    { overwrite: options.overwrite },
  );
  return {
    outDir: options.outDir,
    manifest,
    training: result,
    counts: { train: train.counts, dev: dev.counts, trainMentions: train.mentions.length, devMentions: dev.mentions.length },
    projectedEntities: projectEntities(result.head, c.entityVectors),
    ...(learned === undefined ? {} : { learned }),
  };
}

/**
 * `finetune` with the cross-fitted selection (finetuneCrossFit.ts) over every given document: the folder gets
 * the head trained on all of them for the chosen epoch count, the average of the chosen epoch's fold rankers (or
 * the base weights when refitting did not win out of fold) and the learned state of every document.
 */
async function finetuneCrossFitted(options: FinetuneOptions, documents: readonly GoldDocument[], template: TextTemplateOptions, training: HeadTrainingOptions): Promise<FinetuneResult> {
  const { kb, encoder, signal } = options;
  const entityVectors = await parentEntityVectors(options, template);
  const exampleOptions: ExampleOptions = { mapGold: options.mapGold, candidatesFor: options.candidatesFor, duplicatesOf: options.duplicatesOf, template };
  const reading: GoldReading = { mapGold: options.mapGold, ...(options.candidatesFor === undefined ? {} : { candidatesFor: options.candidatesFor }) };
  const counts = trainingMentions(documents, kb, exampleOptions).counts;
  if (counts.inKb === 0) throw noMentionError(counts, kb.name);
  const rankerBase = options.online?.weights ?? options.rankerWeights;
  const cv = await crossFitFinetune({
    docs: documents,
    folds: options.folds ?? DEFAULT_FOLDS,
    kb,
    encoder,
    entityVectors,
    ...(options.entityIndex === undefined ? {} : { entityIndex: options.entityIndex }),
    ...(options.entityPrior === undefined ? {} : { entityPrior: options.entityPrior }),
    ...(options.formPrior === undefined ? {} : { formPrior: options.formPrior }),
    ...(options.linkerOptions === undefined ? {} : { linkerOptions: options.linkerOptions }),
    template,
    exampleOptions,
    reading,
    training,
    rankerBase,
    ...(options.ranker === undefined ? {} : { ranker: options.ranker }),
    encodeMentions: (texts) => encodeFlat(encoder, texts, 'mention', signal, (done, total) => options.onProgress?.({ stage: 'encode-mentions', done, total })),
    ...(signal === undefined ? {} : { signal }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  throwIfAborted(signal);
  const learned = foldRejections(learnedStateOf(memoryFromGold(documents, reading), undefined, cv.exemplars), options.online);
  const chosen = cv.epochs[cv.bestEpoch]!.fit;
  const selectedOn = `whole-linker accuracy pooled over ${cv.folds} cross-fitted folds of the training documents (gold spans)`;
  return writeFolder(options, {
    training,
    result: { ...cv.training, bestEpoch: cv.bestEpoch, selection: { before: cv.before, after: cv.after } },
    rankerWeights: cv.weights,
    rankerHow: cv.refitted ? `${chosen.examples} training mentions, pull toward the parent l2 ${chosen.l2}, ${selectedOn} ${(100 * cv.after).toFixed(1)}%` : `weights kept from ${rankerBase.source ?? 'the parent'} (refitting did not beat them out of fold: ${(100 * chosen.refitAccuracy).toFixed(1)}% vs ${(100 * chosen.baseAccuracy).toFixed(1)}%)`,
    learned,
    linkerMetrics: { before: cv.before, after: cv.after, selectedOn },
    train: { mentions: cv.mentions, counts },
    dev: { mentions: [], counts: { ...counts, documents: 0, mentions: 0, inKb: 0, nil: 0, outOfKb: 0, invalid: 0, goldNotCandidate: 0 } },
    hyperparameters: { selectOn: 'cross-fit', folds: cv.folds, devFraction: null },
    trainingInfo: {
      devSource: 'cross-fit',
      crossFit: cv.epochs.map((e) => ({ epoch: e.epoch, refit: e.fit.refitAccuracy, l2: e.fit.l2, byL2: e.fit.byL2, base: e.fit.baseAccuracy, mentions: e.fit.mentions, examples: e.fit.examples, goldNotRetrieved: e.fit.goldNotRetrieved })),
      ranker: { examples: chosen.examples, goldNotRetrieved: chosen.goldNotRetrieved, refitted: cv.refitted, l2: chosen.l2 },
    },
    entityVectors,
  });
}

/**
 * `learn: 'exemplars'`: the documents' exemplars through the parent encoder (which the folder keeps: identity
 * head), without the annotator memory; `decisions` counts the gold mentions observed.
 */
async function exemplarsOnlyState(options: FinetuneOptions, template: TextTemplateOptions, docs: readonly GoldDocument[]): Promise<LearnedState> {
  const linker = new Linker({ kb: options.kb, encoder: options.encoder, rankerWeights: options.rankerWeights, options: { ...options.linkerOptions, template } });
  const exemplars = (await exemplarsFromGold(linker, docs, options.mapGold, options.signal)).toJSON();
  const observed = Object.values(exemplars.entities).reduce((a, e) => a + e.n, 0);
  return { version: 1, memory: new AnnotatorMemory().toJSON(), exemplars, decisions: observed };
}

async function parentEntityVectors(options: FinetuneOptions, template: TextTemplateOptions): Promise<Float32Array> {
  const { kb, encoder } = options;
  const entityVectors =
    options.entityVectors ?? (await encodeFlat(encoder, kb.entities.map((e) => entityText(e, template)), 'entity', options.signal, (done, total) => options.onProgress?.({ stage: 'encode-entities', done, total })));
  if (entityVectors.length !== kb.size * encoder.dims) {
    throw new LinkerError('internal', `Expected ${kb.size} entity vectors of ${encoder.dims} floats, got ${entityVectors.length} floats.`);
  }
  return entityVectors;
}

function noMentionError(counts: ExampleCounts, kbName: string): LinkerError {
  return new LinkerError('usage', `None of the ${counts.mentions} training mentions has its gold entity in the KB '${kbName}' (${counts.nil} NIL, ${counts.outOfKb} out of KB, ${counts.invalid} invalid).`, {
    hint: 'Check --kb and --gold-id-map (title maps gold names to KB titles).',
  });
}

/** The parent's entity vectors through the head's entity side, re-normalised (what the fine-tuned encoder gives). */
export function projectEntities(head: HeadWeights, entityVectors: Float32Array): Float32Array {
  return projectRows(head.entity, entityVectors, head.dims);
}

/** The online state's rejected forms added to the folder's memory (see FinetuneOptions.online). */
function foldRejections(state: LearnedState, online: LearnedState | undefined): LearnedState {
  if (online === undefined) return state;
  const rejected = mergeMemories(state.memory, { version: 1, forms: {}, names: {}, rejected: online.memory.rejected, nil: {} });
  const added = Object.values(online.memory.rejected).reduce((a, b) => a + b, 0);
  return { ...state, memory: rejected, decisions: state.decisions + added };
}

function rankerJsonFor(w: RankerWeights, how: string, parentDir: string): unknown {
  return serializeRankerWeights(w, `fine-tuned head over ${parentDir}; ranker: ${how}`);
}

/**
 * Scores each epoch's head as the whole linker would use it: one linker over the parent's index whose encoder
 * takes the head (the entity side is frozen, so the index stays valid), a ranker refitted on the training
 * documents for that head, the training documents' learned state, then accuracy on the dev documents.
 */
function linkerSelector(options: FinetuneOptions, entityVectors: Float32Array, template: TextTemplateOptions, train: readonly GoldDocument[], dev: readonly GoldDocument[], reading: GoldReading, seed: number) {
  const encoder = new HeadSwitchEncoder(options.encoder);
  const dims = options.encoder.dims;
  const index = options.entityIndex ?? new ExactIndex(projectRows(identityHead(dims, 1).entity, entityVectors, dims), dims);
  const linker = new Linker({ kb: options.kb, encoder, index, rankerWeights: options.rankerWeights, ...(options.entityPrior === undefined ? {} : { entityPrior: options.entityPrior }), ...(options.formPrior === undefined ? {} : { formPrior: options.formPrior }), options: { ...options.linkerOptions, template, hardNegatives: 0 } });
  const fits = new Map<number, RankerFit>();
  return {
    fits,
    /** The parent as it is: its head, its ranker, no learned state. */
    parentAccuracy: async (): Promise<number> => {
      encoder.head = undefined;
      return linkerAccuracy(linker, dev, reading, options.signal);
    },
    select: async (head: HeadWeights, epoch: number): Promise<number> => {
      encoder.head = head;
      const fit = await fitRanker(linker, train, dev, reading, options.rankerWeights, { seed, ...(options.ranker === undefined ? {} : { train: options.ranker }), signal: options.signal });
      fits.set(epoch, fit);
      return fit.devAccuracy;
    },
  };
}

async function encodeFlat(
  encoder: TextEncoder,
  texts: readonly string[],
  role: 'mention' | 'entity',
  signal: AbortSignal | undefined,
  onProgress: (done: number, total: number) => void,
): Promise<Float32Array> {
  const dims = encoder.dims;
  const out = new Float32Array(texts.length * dims);
  const chunk = 256;
  for (let i = 0; i < texts.length; i += chunk) {
    throwIfAborted(signal);
    const vectors = await encoder.encode(texts.slice(i, i + chunk), { signal, role, batchSize: 64 });
    vectors.forEach((v, j) => out.set(v, (i + j) * dims));
    onProgress(Math.min(i + chunk, texts.length), texts.length);
  }
  return out;
}
