import { LinkerError, throwIfAborted } from '../errors';
import { AdamW, DEFAULT_ADAMW, type AdamWOptions, type ParamGroup } from './adamW';
import { normalizeInPlace } from '../vectorMath';
import { type MiningExample, type NegativeStrategy, type RecallResult, hardNegativeDepth, mineCandidates, recallAtK } from './negativeMining';
import { ExactIndex } from '../index/exactIndex';
import { searchMany } from '../index/searchBatch';
import type { VectorIndex } from '../index/vectorIndex';
import { type HeadWeights, cloneHead, identityHead, projectRows } from '../encoder/finetuned/head';
import { type ContrastiveExample, contrastiveBatch } from './contrastiveLoss';
import { SeededRandom } from './seededRandom';

/** One training mention: the row of its vector in `mentionVectors` and its gold, duplicates and candidates. */
export interface HeadExample extends MiningExample {
  readonly mentionRow: number;
}

export interface HeadTrainingData {
  readonly dims: number;
  /** Frozen encoder vectors of every KB entity, n x dims, in KB row order. */
  readonly entityVectors: Float32Array;
  /** Frozen encoder vectors of the mentions (train and dev), m x dims. */
  readonly mentionVectors: Float32Array;
  readonly train: readonly HeadExample[];
  readonly dev: readonly HeadExample[];
  /**
   * An index over `entityVectors` (normalised, KB row order: the session's), searched for the hard negatives
   * while the entity side is frozen: an HNSW index answers in about a millisecond per mention where the exact
   * scan of a 100k KB takes tens. Without it (or with a trained entity side) the exact scan finds them.
   */
  readonly entityIndex?: VectorIndex;
}

export interface HeadTrainingOptions {
  readonly negatives: NegativeStrategy;
  /** Negatives per mention (the loss ranks the gold among 1 + this many). */
  readonly numNegatives: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly optimizer: AdamWOptions;
  /** Initial softmax scale (cosines lie in [-1, 1]; the loss needs a wider range). */
  readonly initialScale: number;
  /** Stop after this many epochs without a better dev recall@64. */
  readonly patience: number;
  /** See MiningOptions.sampleTemperature. */
  readonly sampleTemperature?: number;
  /**
   * Train the entity-side map too. Off by default: the score is bilinear in the base vectors, so the mention map
   * alone already spans every bilinear form (the entity map only changes how entity vectors are normalised),
   * while projecting every candidate and the whole KB through a d x d map is ~98% of the cost of a step.
   */
  readonly trainEntitySide: boolean;
}

export const DEFAULT_HEAD_TRAINING: HeadTrainingOptions = {
  negatives: 'mixed',
  numNegatives: 64,
  epochs: 4,
  batchSize: 32,
  seed: 1,
  optimizer: DEFAULT_ADAMW,
  initialScale: 20,
  patience: 2,
  trainEntitySide: false,
};

/**
 * The head training's options with the defaults applied: the one place they are. A key left out or given as
 * undefined (an unset CLI flag, a request field the host left empty) keeps its default.
 */
export function headTrainingOptions(options: Partial<HeadTrainingOptions> = {}): HeadTrainingOptions {
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<HeadTrainingOptions>;
  return { ...DEFAULT_HEAD_TRAINING, ...given, optimizer: { ...DEFAULT_HEAD_TRAINING.optimizer, ...given.optimizer } };
}

export const RECALL_KS = [1, 10, 64] as const;

/** Training mentions mined per index call (abort checks, progress and event-loop yields between chunks). */
const MINING_CHUNK = 64;

export interface DevMetrics {
  readonly mentions: number;
  readonly 'recall@1': number;
  readonly 'recall@10': number;
  readonly 'recall@64': number;
}

export interface EpochReport {
  readonly epoch: number;
  readonly epochs: number;
  readonly loss: number;
  readonly steps: number;
  readonly dev: DevMetrics;
  /** The selection score of this epoch's head when one is given (the whole linker's dev accuracy). */
  readonly selection?: number;
  /** Seconds the epoch's training and recall took, and (with a selection hook) the selection after it. */
  readonly seconds: number;
  readonly selectionSeconds?: number;
}

export type TrainingProgress = { readonly stage: 'mine' | 'train' | 'evaluate'; readonly epoch: number; readonly done: number; readonly total: number } | { readonly stage: 'epoch'; readonly report: EpochReport };

export interface HeadTrainingResult {
  /** The head with the best selection score (default dev recall@64; the identity when no epoch beat it). */
  readonly head: HeadWeights;
  readonly before: DevMetrics;
  readonly after: DevMetrics;
  readonly bestEpoch: number;
  /** With a `select` hook: its score for the identity head (epoch 0) and for the chosen one. */
  readonly selection?: { readonly before: number; readonly after: number };
  readonly epochs: readonly EpochReport[];
  readonly seconds: number;
}

function devMetrics(r: RecallResult): DevMetrics {
  return { mentions: r.mentions, 'recall@1': r.recall[1] ?? 0, 'recall@10': r.recall[10] ?? 0, 'recall@64': r.recall[64] ?? 0 };
}

/** recall@1/10/64 of a head on examples (entities projected here unless passed in). */
export function evaluateHead(head: HeadWeights, data: Pick<HeadTrainingData, 'dims' | 'entityVectors' | 'mentionVectors'>, examples: readonly HeadExample[], projectedEntities?: Float32Array): DevMetrics {
  const entities = projectedEntities ?? projectRows(head.entity, data.entityVectors, data.dims);
  const { mentions, offsets } = projectMentions(head, data, examples);
  return devMetrics(recallAtK(mentions, offsets, entities, data.dims, examples, RECALL_KS));
}

function projectMentions(head: HeadWeights, data: Pick<HeadTrainingData, 'dims' | 'mentionVectors'>, examples: readonly HeadExample[]): { mentions: Float32Array; offsets: number[] } {
  const dims = data.dims;
  const picked = new Float32Array(examples.length * dims);
  examples.forEach((ex, i) => picked.set(data.mentionVectors.subarray(ex.mentionRow * dims, (ex.mentionRow + 1) * dims), i * dims));
  return { mentions: projectRows(head.mention, picked, dims), offsets: examples.map((_, i) => i * dims) };
}

function normalizedRows(vectors: Float32Array, dims: number): Float32Array {
  const out = vectors.slice();
  for (let r = 0; r < out.length; r += dims) normalizeInPlace(out.subarray(r, r + dims));
  return out;
}

const better = (a: DevMetrics, b: DevMetrics): boolean => a['recall@64'] > b['recall@64'] || (a['recall@64'] === b['recall@64'] && a['recall@1'] > b['recall@1']);

/**
 * Trains the head with the contrastive loss of METHOD.md: every epoch re-mines the negatives over the whole KB
 * with the current weights, then takes AdamW steps over shuffled batches; after each epoch the dev recall@64
 * picks the best head and stops the run once it has not improved for `patience` epochs. Deterministic for a
 * seed (one PRNG drives shuffling and sampling; arithmetic order is fixed). CPU-bound: it yields to the event
 * loop between batches, but a host that must stay smooth should run it in a worker thread.
 */
export async function trainHead(
  data: HeadTrainingData,
  options: Partial<HeadTrainingOptions> = {},
  hooks: {
    readonly signal?: AbortSignal;
    readonly onProgress?: (p: TrainingProgress) => void;
    readonly now?: () => number;
    /**
     * Scores a head (higher is better; epoch 0 is the identity head): with it, the epoch to keep and early stopping
     * follow this score (fine-tuning passes the whole linker's dev accuracy), ties broken by dev recall.
     */
    readonly select?: (head: HeadWeights, epoch: number) => Promise<number>;
    /**
     * Stop after this epoch (0: the identity head), the learning-rate schedule still that of `epochs`: a head
     * trained on all the data for the epoch count a cross-fitted selection chose, as its fold heads were trained.
     */
    readonly stopAfter?: number;
  } = {},
): Promise<HeadTrainingResult> {
  const o = headTrainingOptions(options);
  const { dims } = data;
  const n = data.entityVectors.length / dims;
  if (!Number.isInteger(n) || data.mentionVectors.length % dims !== 0) {
    throw new LinkerError('internal', `Vector blocks are not whole ${dims}-d rows.`);
  }
  if (data.train.length === 0) {
    throw new LinkerError('usage', 'No training mention has its gold entity in the KB, so there is nothing to train on.', {
      hint: 'Check the KB and the gold id mapping (--gold-id-map), or add annotations.',
    });
  }
  const now = hooks.now ?? (() => performance.now());
  const started = now();
  const signal = hooks.signal;
  const rng = new SeededRandom(o.seed);
  const head = identityHead(dims, o.initialScale);
  const grad = identityHead(dims, 1);
  grad.logScale[0] = 0;
  const frozen = !o.trainEntitySide;
  const groups: ParamGroup[] = [
    { value: head.mention, grad: grad.mention, decay: true },
    ...(frozen ? [] : [{ value: head.entity, grad: grad.entity, decay: true }]),
    { value: head.logScale, grad: grad.logScale, decay: false },
  ];
  const projectEntities = (): Float32Array => (frozen ? normalizedRows(data.entityVectors, dims) : projectRows(head.entity, data.entityVectors, dims, signal));
  const stepsPerEpoch = Math.ceil(data.train.length / o.batchSize);
  const optimizer = new AdamW(groups, o.optimizer, stepsPerEpoch * o.epochs);

  let entities = projectEntities();
  throwIfAborted(signal);
  const dev = data.dev.length > 0 ? data.dev : data.train;
  const before = evaluateHead(head, data, dev, entities);
  const select = hooks.select;
  const selectionBefore = select === undefined ? undefined : await select(cloneHead(head), 0);
  let best = { head: cloneHead(head), metrics: before, epoch: 0, selection: selectionBefore };
  const reports: EpochReport[] = [];
  let stale = 0;
  const lastEpoch = Math.min(o.epochs, hooks.stopAfter ?? o.epochs);
  for (let epoch = 1; epoch <= lastEpoch; epoch++) {
    const epochStart = now();
    const { mentions, offsets } = projectMentions(head, data, data.train);
    const examples: ContrastiveExample[] = [];
    const mining = { strategy: o.negatives, count: o.numNegatives, rng, sampleTemperature: o.sampleTemperature };
    // The hard negatives' index: the given one while its vectors are the entities scored, else the exact scan
    // over them (searchMany reads each block of entities once for a whole chunk of mentions).
    const index = frozen && data.entityIndex !== undefined ? data.entityIndex : new ExactIndex(entities, dims);
    for (let start = 0; start < data.train.length; start += MINING_CHUNK) {
      throwIfAborted(signal);
      hooks.onProgress?.({ stage: 'mine', epoch, done: start, total: data.train.length });
      await new Promise<void>((resolve) => setImmediate(resolve));
      const chunk = data.train.slice(start, start + MINING_CHUNK);
      const depth = Math.max(0, ...chunk.map((ex) => hardNegativeDepth(ex, mining)));
      const nearest = depth === 0 ? [] : searchMany(index, chunk.map((_, j) => mentions.subarray(offsets[start + j]!, offsets[start + j]! + dims)), depth);
      chunk.forEach((ex, j) => {
        const mined = mineCandidates(mentions, offsets[start + j]!, entities, dims, ex, mining, depth === 0 ? undefined : nearest[j]);
        examples.push({ mentionOffset: ex.mentionRow * dims, candidates: mined.candidates, ...(mined.correction === undefined ? {} : { correction: mined.correction }) });
      });
    }
    rng.shuffle(examples);
    let lossSum = 0;
    let steps = 0;
    for (let b = 0; b < examples.length; b += o.batchSize) {
      // Yield between batches so an editor host stays responsive and an abort can arrive.
      await new Promise<void>((resolve) => setImmediate(resolve));
      throwIfAborted(signal);
      const { loss } = contrastiveBatch(head, data.mentionVectors, data.entityVectors, examples.slice(b, b + o.batchSize), grad, { entityFrozen: frozen });
      optimizer.update();
      lossSum += loss;
      steps++;
      hooks.onProgress?.({ stage: 'train', epoch, done: Math.min(b + o.batchSize, examples.length), total: examples.length });
    }
    hooks.onProgress?.({ stage: 'evaluate', epoch, done: 0, total: dev.length });
    entities = frozen ? entities : projectEntities();
    throwIfAborted(signal);
    const metrics = evaluateHead(head, data, dev, entities);
    const seconds = (now() - epochStart) / 1000;
    const selectStart = now();
    const selection = select === undefined ? undefined : await select(cloneHead(head), epoch);
    const scored = selection === undefined ? {} : { selection, selectionSeconds: (now() - selectStart) / 1000 };
    const report: EpochReport = { epoch, epochs: o.epochs, loss: lossSum / Math.max(1, steps), steps, dev: metrics, ...scored, seconds };
    reports.push(report);
    hooks.onProgress?.({ stage: 'epoch', report });
    const improved = selection === undefined || best.selection === undefined ? better(metrics, best.metrics) : selection > best.selection || (selection === best.selection && better(metrics, best.metrics));
    if (improved) {
      best = { head: cloneHead(head), metrics, epoch, selection };
      stale = 0;
    } else if (++stale >= o.patience) {
      break;
    }
  }
  const selection = selectionBefore === undefined || best.selection === undefined ? {} : { selection: { before: selectionBefore, after: best.selection } };
  return { head: best.head, before, after: best.metrics, bestEpoch: best.epoch, ...selection, epochs: reports, seconds: (now() - started) / 1000 };
}
