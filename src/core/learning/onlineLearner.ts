import { DEFAULT_RANKER_WEIGHTS, FEATURE_NAMES, KB_KINDS, rankerWeightsFromJson, serializeRankerWeights } from '../linker/ranker';
import type { KbKind, RankerWeights } from '../linker/ranker';
import { profileOf, rankerForKind, withKindRanker } from '../linker/rankerProfiles';
import { LinkerError } from '../errors';
import { AnnotatorMemory } from './annotatorMemory';
import type { AnnotatorMemoryJson } from './annotatorMemory';
import { decisionEntity } from './decision';
import { ExemplarMemory } from './exemplarMemory';
import type { ExemplarMemoryJson } from './exemplarMemory';
import type { AnnotatorDecision } from './decision';
import type { LearnedState } from './learnedState';
import { exampleFromDecision, trainRanker } from './rankerTrainer';
import type { RankingExample, TrainOptions, TrainResult } from './rankerTrainer';

/**
 * Learns from the annotator while they work: every decision goes into the annotator memory at once (new names,
 * the annotator's prior, rejected and NIL forms), and each decision with the candidates as seen becomes a
 * ranking example; `refit` retrains the ranker from the base (shipped or model-folder) weights on all kept
 * examples, keeping the base's kind (refitRanker). The state is plain JSON for a worker message or a file.
 */
export interface OnlineLearnerOptions {
  /** The weights refits start from and are pulled toward (default: the shipped ones). */
  readonly base: RankerWeights;
  /** Examples kept, oldest dropped first. */
  readonly maxExamples: number;
  readonly train: Partial<TrainOptions>;
}

export interface RefitReport {
  /** Decisions observed in all, and since the previous refit. */
  readonly decisions: number;
  readonly newDecisions: number;
  /** Ranking examples trained on; decisions that gave none (NIL, reject, chosen entity not among the candidates). */
  readonly examples: number;
  readonly skipped: number;
  readonly ms: number;
  readonly lossBefore: number;
  readonly lossAfter: number;
  readonly weights: RankerWeights;
}

export interface OnlineLearnerJson {
  readonly version: 1;
  readonly base: Record<string, unknown>;
  readonly weights?: Record<string, unknown>;
  readonly memory: AnnotatorMemoryJson;
  /** The confirmed mentions' in-context vectors per entity (decisions whose mention carried its `vector`). */
  readonly exemplars?: ExemplarMemoryJson;
  readonly examples: readonly RankingExample[];
  readonly decisions: number;
  readonly pending: number;
  readonly skipped: number;
}

/**
 * One online refit: the base ranker's kind (linear, or the residual MLP of a version-3 ranker.json) trained on the
 * examples from the base and pulled toward it. For an MLP only the linear term and the units' outputs move (the
 * units' input weights stay as shipped): a linear fit over fixed features, as fast as the linear ranker's and
 * well-posed on a few decisions. With profiles per KB kind (version 4), each example trains the profile its
 * candidates were scored with (`RankingExample.profile`) and the other profiles stay as they are (examples of
 * retrieved synsets scored with the `senses` profile, rankerProfiles.profileOf, start a `retrievedSenses` profile
 * of their own from it, so the editor's decisions never move a given sense list's weights); examples of a kind
 * without a profile train the top-level weights.
 */
export function refitRanker(examples: readonly RankingExample[], base: RankerWeights, train: Partial<TrainOptions> = {}, signal?: AbortSignal): TrainResult {
  const options: Partial<TrainOptions> = { trainHidden: false, ...train, ...(signal === undefined ? {} : { signal }) };
  if (base.profiles === undefined) return trainRanker(examples, base, options);
  const groups = new Map<KbKind | undefined, RankingExample[]>();
  for (const ex of examples) {
    const kind = ex.profile !== undefined && profileOf(base, ex.profile) !== undefined ? ex.profile : undefined;
    groups.set(kind, [...(groups.get(kind) ?? []), ex]);
  }
  let weights = base;
  let lossBefore = 0;
  let lossAfter = 0;
  let ms = 0;
  for (const [kind, group] of groups) {
    const fit = trainRanker(group, rankerForKind(base, kind), options);
    weights = withKindRanker(weights, kind, fit.weights);
    lossBefore += (fit.lossBefore * group.length) / examples.length;
    lossAfter += (fit.lossAfter * group.length) / examples.length;
    ms += fit.ms;
  }
  return { weights: { ...weights, source: `trained on ${examples.length} examples (seed ${train.seed ?? 1}) from ${base.source ?? 'the given weights'}` }, lossBefore, lossAfter, examples: examples.length, ms };
}

export class OnlineLearner {
  readonly options: OnlineLearnerOptions;
  private memory = new AnnotatorMemory();
  private exemplars = new ExemplarMemory();
  private examples: RankingExample[] = [];
  private weights: RankerWeights | undefined;
  private decisions = 0;
  private skipped = 0;
  private since = 0;

  constructor(options: Partial<OnlineLearnerOptions> = {}) {
    this.options = { base: DEFAULT_RANKER_WEIGHTS, maxExamples: 5000, train: {}, ...options };
  }

  /** Decisions observed since the last refit. */
  get pending(): number {
    return this.since;
  }

  observe(decision: AnnotatorDecision): void {
    this.memory.observe(decision);
    const confirmed = decisionEntity(decision);
    if (confirmed !== undefined && decision.mention?.vector !== undefined) this.addExemplar(confirmed, decision.mention.vector);
    this.decisions++;
    this.since++;
    const ex = exampleFromDecision(decision);
    if (ex === undefined) {
      this.skipped++;
      return;
    }
    this.examples.push(ex);
    if (this.examples.length > this.options.maxExamples) this.examples.splice(0, this.examples.length - this.options.maxExamples);
  }

  /**
   * Takes back a decision observed before (undone, or replaced: a relink corrects an accept): the annotator memory
   * forgets it and its ranking example leaves the refit's training set (the last one equal to it), as if it had
   * never been made; it counts as a change for the next refit. The exemplar of a decision that carried its vector
   * goes too; one that arrived apart (observeExemplar) is taken back with retractExemplar.
   */
  retract(decision: AnnotatorDecision): void {
    this.memory.retract(decision);
    const confirmed = decisionEntity(decision);
    if (confirmed !== undefined && decision.mention?.vector !== undefined) this.exemplars.forget(confirmed, decision.mention.vector);
    this.decisions = Math.max(0, this.decisions - 1);
    this.since++;
    const ex = exampleFromDecision(decision);
    if (ex === undefined) {
      this.skipped = Math.max(0, this.skipped - 1);
      return;
    }
    for (let i = this.examples.length - 1; i >= 0; i--) {
      if (sameExample(this.examples[i], ex)) {
        this.examples.splice(i, 1);
        return;
      }
    }
  }

  /**
   * A confirmed mention's in-context vector that arrived after its decision (the editor asks the link thread for
   * it once the decision is stored): feeds the exemplar memory as a decision carrying it would have.
   */
  observeExemplar(entityId: string, vector: readonly number[]): void {
    this.addExemplar(entityId, vector);
  }

  /** Takes back an exemplar given by observeExemplar (its decision was undone). */
  retractExemplar(entityId: string, vector: readonly number[]): void {
    this.exemplars.forget(entityId, vector);
  }

  /**
   * What became of the exemplars kept for another model: set when a vector of another dimension arrived (the
   * workspace's state was learned with another model) and the memory started afresh; undefined otherwise.
   */
  get exemplarsReplaced(): { readonly entities: number; readonly from: number; readonly to: number } | undefined {
    return this.replaced;
  }

  private replaced: { entities: number; from: number; to: number } | undefined;

  /**
   * One confirmed mention's vector into the exemplar memory. The memory's vectors are one model's: when the
   * model changed to one with other dimensions, the old centroids can never be compared with this model's
   * vectors, so the memory starts afresh with this one (said by exemplarsReplaced) instead of refusing every
   * later vector.
   */
  private addExemplar(entityId: string, vector: readonly number[]): void {
    const dims = this.exemplars.dimensions;
    if (dims !== 0 && vector.length !== dims && vector.length > 0) {
      this.replaced = { entities: this.exemplars.size, from: dims, to: vector.length };
      this.exemplars = new ExemplarMemory(this.exemplars.options);
    }
    this.exemplars.observe(entityId, vector);
  }

  /** Retrains the ranker on every kept example, from the base weights. Synchronous; seconds only past ~10k examples. */
  refit(signal?: AbortSignal): RefitReport {
    const newDecisions = this.since;
    const result = refitRanker(this.examples, this.options.base, this.options.train, signal);
    // No example left (every one retracted): back to the base weights.
    this.weights = this.examples.length > 0 ? { ...result.weights, source: `refitted on ${this.examples.length} annotator decisions from ${this.options.base.source ?? 'the base weights'}` } : undefined;
    this.since = 0;
    return {
      decisions: this.decisions,
      newDecisions,
      examples: this.examples.length,
      skipped: this.skipped,
      ms: result.ms,
      lossBefore: result.lossBefore,
      lossAfter: result.lossAfter,
      weights: this.weights ?? this.options.base,
    };
  }

  /** What a Linker takes (Linker.setLearnedState). */
  get state(): LearnedState {
    return { version: 1, memory: this.memory.toJSON(), ...this.exemplarsJson(), decisions: this.decisions, ...(this.weights === undefined ? {} : { weights: this.weights }) };
  }

  private exemplarsJson(): { exemplars?: ExemplarMemoryJson } {
    return this.exemplars.size === 0 ? {} : { exemplars: this.exemplars.toJSON() };
  }

  toJSON(): OnlineLearnerJson {
    return {
      version: 1,
      base: serializeRankerWeights(this.options.base),
      ...(this.weights === undefined ? {} : { weights: serializeRankerWeights(this.weights) }),
      memory: this.memory.toJSON(),
      ...this.exemplarsJson(),
      examples: this.examples,
      decisions: this.decisions,
      pending: this.since,
      skipped: this.skipped,
    };
  }

  /** Restores a learner; `options.base` (e.g. a new model folder's weights) overrides the stored base. */
  static fromJSON(json: unknown, options: Partial<OnlineLearnerOptions> = {}, file = 'learner state'): OnlineLearner {
    const o = json as Partial<OnlineLearnerJson> | null;
    if (typeof o !== 'object' || o === null || o.version !== 1 || !Array.isArray(o.examples) || typeof o.decisions !== 'number') {
      throw new LinkerError('inputFormat', 'The online learner state must be {"version": 1, "examples": [...], "decisions": N, ...}.', {
        location: { file },
        hint: 'Delete the file to start learning afresh.',
      });
    }
    const base = options.base ?? (o.base === undefined ? DEFAULT_RANKER_WEIGHTS : rankerWeightsFromJson(o.base, file, true));
    const learner = new OnlineLearner({ ...options, base });
    learner.memory = AnnotatorMemory.fromJSON(o.memory, file);
    if (o.exemplars !== undefined) learner.exemplars = ExemplarMemory.fromJSON(o.exemplars, file);
    learner.examples = o.examples.filter(isExample);
    if (o.weights !== undefined) learner.weights = rankerWeightsFromJson(o.weights, file, true);
    learner.decisions = o.decisions;
    learner.since = typeof o.pending === 'number' ? o.pending : 0;
    learner.skipped = typeof o.skipped === 'number' ? o.skipped : 0;
    return learner;
  }
}

function sameExample(a: RankingExample, b: RankingExample): boolean {
  return a.gold === b.gold && a.profile === b.profile && a.features.length === b.features.length && a.features.every((row, i) => row.length === b.features[i].length && row.every((v, j) => v === b.features[i][j]));
}

function isExample(x: unknown): x is RankingExample {
  const e = x as Partial<RankingExample> | null;
  if (typeof e !== 'object' || e === null || !Array.isArray(e.features) || typeof e.gold !== 'number') return false;
  // Examples stored by a build with another feature list cannot be trained on.
  return (
    e.gold >= 0 &&
    e.gold < e.features.length &&
    e.features.every((f) => Array.isArray(f) && f.length === FEATURE_NAMES.length) &&
    (e.profile === undefined || KB_KINDS.includes(e.profile))
  );
}
