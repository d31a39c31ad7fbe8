import * as path from 'node:path';
import { ANNOTATION_DIR } from '../annotations/annotationPaths';
import { readTextIfExists, writeTextAtomic } from '../annotations/atomicTextFile';
import { LinkerError } from '../errors';
import type { AnnotatorDecision } from '../learning/decision';
import type { LearnedState } from '../learning/learnedState';
import { OnlineLearner, type OnlineLearnerJson, type RefitReport } from '../learning/onlineLearner';
import type { RankerWeights } from '../linker/ranker';
import type { RefitResult } from '../worker/learningRequests';

/** Where a workspace keeps what the linker learned online: hidden, so no reader takes it for an annotation file. */
export const ONLINE_STATE_FILE = '.online-learning.json';

export function onlineStateFileFor(workspaceRoot: string): string {
  return path.join(workspaceRoot, ANNOTATION_DIR, ONLINE_STATE_FILE);
}

/** A workspace's saved learner; undefined when there is none. A damaged file is an error naming it. */
export async function readOnlineLearner(file: string, base: RankerWeights): Promise<OnlineLearner | undefined> {
  const raw = await readTextIfExists(file);
  if (raw === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new LinkerError('inputFormat', `The online learning state is not valid JSON (${(e as Error).message}).`, { location: { file }, hint: 'Delete the file to start learning afresh; the annotations are not in it.', cause: e });
  }
  return OnlineLearner.fromJSON(json, { base }, file);
}

export async function writeOnlineLearner(file: string, json: OnlineLearnerJson): Promise<void> {
  await writeTextAtomic(file, `${JSON.stringify(json)}\n`);
}

/** The two things a refit needs from the linker: run it away from linking, and link with the result. */
export interface AdaptationChannel {
  refit(learner: OnlineLearnerJson, signal: AbortSignal): Promise<RefitResult>;
  apply(state: LearnedState): Promise<void>;
}

export interface AdaptationStatus {
  /** Decisions the linker's learned state comes from (0 before the first refit). */
  readonly adaptedFrom: number;
  /** Decisions observed in all, and since the last refit. */
  readonly decisions: number;
  readonly pending: number;
  readonly refits: number;
  readonly last?: { readonly at: number; readonly report: RefitReport; readonly ms: number };
  readonly running: boolean;
}

export interface AdaptationLoopOptions {
  readonly channel: AdaptationChannel;
  /** Decisions between refits (read at every decision, so a setting change applies at once). */
  readonly refitEvery: () => number;
  readonly learner?: OnlineLearner;
  readonly persist?: (json: OnlineLearnerJson) => Promise<void>;
  readonly onStatus?: (status: AdaptationStatus) => void;
  readonly onError?: (e: unknown) => void;
  readonly now?: () => number;
}

/**
 * Online adaptation: every decision goes into the learner at once; after every `refitEvery` decisions the
 * ranker is refitted (on the training thread, through the channel) and the new state, memory included, is
 * handed to the linker. A refit never blocks anything here: it is awaited, cancellable, and decisions made while
 * it runs are replayed into its result (none is lost). One refit runs at a time; decisions piling up meanwhile
 * start the next one when it ends.
 */
export class AdaptationLoop {
  private learner: OnlineLearner;
  private running: AbortController | undefined;
  private duringRefit: AnnotatorDecision[] = [];
  private refits = 0;
  private adaptedFrom = 0;
  private last: AdaptationStatus['last'];
  private disposed = false;

  constructor(private readonly options: AdaptationLoopOptions) {
    this.learner = options.learner ?? new OnlineLearner();
    if (this.learner.state.weights !== undefined) this.adaptedFrom = this.learner.state.decisions - this.learner.pending;
  }

  get status(): AdaptationStatus {
    const s = this.learner.state;
    return { adaptedFrom: this.adaptedFrom, decisions: s.decisions, pending: this.learner.pending, refits: this.refits, ...(this.last === undefined ? {} : { last: this.last }), running: this.running !== undefined };
  }

  /** The learned state the linker should have now (after a session (re)opens); undefined before any refit. */
  get appliedState(): LearnedState | undefined {
    return this.adaptedFrom > 0 ? this.learner.state : undefined;
  }

  toJSON(): OnlineLearnerJson {
    return this.learner.toJSON();
  }

  observe(decisions: readonly AnnotatorDecision[]): void {
    if (this.disposed || decisions.length === 0) return;
    for (const d of decisions) {
      this.learner.observe(d);
      if (this.running !== undefined) this.duringRefit.push(d);
    }
    this.options.onStatus?.(this.status);
    if (this.running === undefined && this.learner.pending >= Math.max(1, this.options.refitEvery())) void this.refit();
  }

  /** Refits now (also below the threshold). Resolves with the report, or undefined when cancelled or already running. */
  async refit(): Promise<RefitReport | undefined> {
    if (this.running !== undefined || this.disposed) return undefined;
    const controller = new AbortController();
    this.running = controller;
    this.duringRefit = [];
    this.options.onStatus?.(this.status);
    const now = this.options.now ?? Date.now;
    const started = now();
    let report: RefitReport | undefined;
    try {
      const result = await this.options.channel.refit(this.learner.toJSON(), controller.signal);
      if (controller.signal.aborted) return undefined;
      const next = OnlineLearner.fromJSON(result.learner, { base: this.learner.options.base });
      for (const d of this.duringRefit) next.observe(d);
      this.learner = next;
      await this.options.channel.apply(next.state);
      this.adaptedFrom = result.report.decisions;
      this.refits++;
      this.last = { at: now(), report: result.report, ms: now() - started };
      report = result.report;
      await this.options.persist?.(next.toJSON());
    } catch (e) {
      if (!LinkerError.is(e, 'cancelled') && !controller.signal.aborted) this.options.onError?.(e);
    } finally {
      this.running = undefined;
      this.duringRefit = [];
      this.options.onStatus?.(this.status);
    }
    // Decisions that piled up during the refit start the next one (not after a cancel: the next decision will).
    if (!this.disposed && !controller.signal.aborted && this.learner.pending >= Math.max(1, this.options.refitEvery())) void this.refit();
    return report;
  }

  /** Stops a refit in flight (its result is dropped; the decisions stay observed for the next one). */
  cancel(): void {
    this.running?.abort();
  }

  dispose(): void {
    this.disposed = true;
    this.cancel();
  }
}
