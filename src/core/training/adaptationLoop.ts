import { LinkerError } from '../errors';
import type { AnnotatorDecision } from '../learning/decision';
import type { LearnedState } from '../learning/learnedState';
import { OnlineLearner, type OnlineLearnerJson, type RefitReport } from '../learning/onlineLearner';
import type { RankerWeights } from '../linker/ranker';
import type { RefitResult } from '../worker/learningRequests';

/**
 * The two things a refit needs from the linker: run it away from linking (and keep the refitted learner, e.g.
 * write it to the workspace's file there), and link with the result.
 */
export interface AdaptationChannel {
  refit(learner: OnlineLearnerJson, signal: AbortSignal): Promise<RefitResult>;
  apply(state: LearnedState): Promise<void>;
  /**
   * Hands the learner's state to the linker after each decision, between refits: the memory (confirmed forms
   * and their surnames as detection names, the annotator's prior, rejected forms) is cheap to move and counts in
   * the next document at once; the weights are the last refit's. Optional: without it the memory waits for the
   * refit.
   */
  remember?(state: LearnedState): Promise<void>;
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
  readonly onStatus?: (status: AdaptationStatus) => void;
  readonly onError?: (e: unknown) => void;
  readonly now?: () => number;
}

/**
 * Online adaptation: every decision goes into the learner at once; after every `refitEvery` decisions the
 * ranker is refitted (on the training thread, through the channel; only the weights come back) and the new
 * state, memory included, is handed to the linker. A refit never blocks anything here: it is awaited, cancellable, and decisions made while
 * it runs are replayed into its result (none is lost). One refit runs at a time; decisions piling up meanwhile
 * start the next one when it ends.
 */
export class AdaptationLoop {
  private learner: OnlineLearner;
  private running: AbortController | undefined;
  /** Decisions observed (and retracted: `undo`) while a refit ran: replayed, in order, into the refitted learner. */
  private duringRefit: { readonly decision: AnnotatorDecision; readonly undo?: true }[] = [];
  /** Exemplar vectors that arrived while a refit ran: replayed into the refitted learner. */
  private exemplarsDuringRefit: { readonly entityId: string; readonly vector: readonly number[]; readonly undo?: true }[] = [];
  private refits = 0;
  private adaptedFrom = 0;
  private last: AdaptationStatus['last'];
  private disposed = false;
  /** The memory was handed to the linker (channel.remember) since the loop began. */
  private remembered = false;

  constructor(private readonly options: AdaptationLoopOptions) {
    this.learner = options.learner ?? new OnlineLearner();
    if (this.learner.state.weights !== undefined) this.adaptedFrom = this.learner.state.decisions - this.learner.pending;
  }

  get status(): AdaptationStatus {
    const s = this.learner.state;
    return { adaptedFrom: this.adaptedFrom, decisions: s.decisions, pending: this.learner.pending, refits: this.refits, ...(this.last === undefined ? {} : { last: this.last }), running: this.running !== undefined };
  }

  /**
   * The learned state the linker should have now (after a session (re)opens); undefined before any refit or,
   * with `channel.remember`, before any decision.
   */
  get appliedState(): LearnedState | undefined {
    return this.adaptedFrom > 0 || this.remembered ? this.learner.state : undefined;
  }

  toJSON(): OnlineLearnerJson {
    return this.learner.toJSON();
  }

  observe(decisions: readonly AnnotatorDecision[]): void {
    if (this.disposed || decisions.length === 0) return;
    for (const d of decisions) {
      this.learner.observe(d);
      if (this.running !== undefined) this.duringRefit.push({ decision: d });
    }
    this.options.onStatus?.(this.status);
    void this.remember();
    if (this.running === undefined && this.learner.pending >= Math.max(1, this.options.refitEvery())) void this.refit();
  }

  /**
   * Earlier decisions the annotator undid or replaced (DecisionTracker.update's `retracted`): the learner forgets
   * them (OnlineLearner.retract), the memory goes to the linker at once, and they count toward the next refit.
   */
  retract(decisions: readonly AnnotatorDecision[]): void {
    if (this.disposed || decisions.length === 0) return;
    for (const d of decisions) {
      this.learner.retract(d);
      if (this.running !== undefined) this.duringRefit.push({ decision: d, undo: true });
    }
    this.options.onStatus?.(this.status);
    void this.remember();
    if (this.running === undefined && this.learner.pending >= Math.max(1, this.options.refitEvery())) void this.refit();
  }

  /**
   * Confirmed mentions' in-context vectors that arrived after their decisions (see OnlineLearner.observeExemplar):
   * kept across a refit in flight like decisions, and handed to the linker with the memory.
   */
  observeExemplars(items: readonly { readonly entityId: string; readonly vector: readonly number[] }[]): OnlineLearner['exemplarsReplaced'] {
    if (this.disposed || items.length === 0) return undefined;
    const before = this.learner.exemplarsReplaced;
    for (const item of items) {
      this.learner.observeExemplar(item.entityId, item.vector);
      if (this.running !== undefined) this.exemplarsDuringRefit.push(item);
    }
    void this.remember();
    const after = this.learner.exemplarsReplaced;
    // Only a replacement these vectors caused (the memory kept for another model started afresh).
    return after !== before ? after : undefined;
  }

  /** Exemplars given by observeExemplars whose decisions were undone: taken back, kept across a refit in flight. */
  retractExemplars(items: readonly { readonly entityId: string; readonly vector: readonly number[] }[]): void {
    if (this.disposed || items.length === 0) return;
    for (const item of items) {
      this.learner.retractExemplar(item.entityId, item.vector);
      if (this.running !== undefined) this.exemplarsDuringRefit.push({ ...item, undo: true });
    }
    void this.remember();
  }

  /** The memory to the linker now (see AdaptationChannel.remember); messages keep their order, so a later refit's state wins. */
  private async remember(): Promise<void> {
    const channel = this.options.channel;
    if (channel.remember === undefined) return;
    this.remembered = true;
    try {
      await channel.remember(this.learner.state);
    } catch (e) {
      if (!LinkerError.is(e, 'cancelled')) this.options.onError?.(e);
    }
  }

  /** Refits now (also below the threshold). Resolves with the report, or undefined when cancelled or already running. */
  async refit(): Promise<RefitReport | undefined> {
    if (this.running !== undefined || this.disposed) return undefined;
    const controller = new AbortController();
    this.running = controller;
    this.duringRefit = [];
    this.exemplarsDuringRefit = [];
    this.options.onStatus?.(this.status);
    const now = this.options.now ?? Date.now;
    const started = now();
    let report: RefitReport | undefined;
    try {
      const snapshot = this.learner.toJSON();
      const result = await this.options.channel.refit(snapshot, controller.signal);
      if (controller.signal.aborted) return undefined;
      const refitted = { ...snapshot, ...(result.weights === undefined ? {} : { weights: result.weights }), pending: 0 };
      const next = OnlineLearner.fromJSON(refitted, { base: this.learner.options.base });
      for (const { decision, undo } of this.duringRefit) {
        if (undo === true) next.retract(decision);
        else next.observe(decision);
      }
      for (const e of this.exemplarsDuringRefit) {
        if (e.undo === true) next.retractExemplar(e.entityId, e.vector);
        else next.observeExemplar(e.entityId, e.vector);
      }
      this.learner = next;
      this.adaptedFrom = result.report.decisions;
      this.refits++;
      this.last = { at: now(), report: result.report, ms: now() - started };
      report = result.report;
      await this.options.channel.apply(next.state);
    } catch (e) {
      if (!LinkerError.is(e, 'cancelled') && !controller.signal.aborted) this.options.onError?.(e);
    } finally {
      this.running = undefined;
      this.duringRefit = [];
      this.exemplarsDuringRefit = [];
      this.options.onStatus?.(this.status);
    }
    // Decisions that piled up during the refit start the next one (not after a cancel: the next decision will).
    if (!this.disposed && !controller.signal.aborted && this.learner.pending >= Math.max(1, this.options.refitEvery())) void this.refit();
    return report;
  }

  /** The weights refits start from changed (another model was loaded): later refits start from these. */
  rebase(base: RankerWeights): void {
    this.cancel();
    this.learner = OnlineLearner.fromJSON(this.learner.toJSON(), { base });
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
