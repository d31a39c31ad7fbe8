import type { MentionExample } from '../detection/mentionScorer';
import { MentionScorer } from '../detection/mentionScorer';
import type { KnowledgeBase } from '../kb/knowledgeBase';
import type { AnnotatorDecision, DecisionAction as LearnerAction } from '../learning/decision';
import { OnlineLearner } from '../learning/onlineLearner';
import { KbSearch } from '../linker/kbSearch';
import type { Span } from '../linker/types';
import { kbNameSpans } from './kbNameSpans';
import { detectionOperatingPoint } from './keyCosts';
import type { Linker } from '../linker/linker';
import type { DecisionAction, OnlineLearning, SimulatedDecision, SimulationLinker } from './simulationTypes';

/** The real linker as the simulated editor uses it: `topK` candidates per mention (with their vectors), the picker's KB search. */
export function simulationLinker(linker: Linker, kb: KnowledgeBase, topK: number): SimulationLinker {
  const search = new KbSearch(kb.entities, () => linker.lexical);
  // On first use: only a flow with Possible Name asks for the KB's name spans.
  let names: ((text: string) => Span[]) | undefined;
  return {
    // With their in-context vectors, as the editor asks for them after a decision: confirmed mentions feed the exemplar memory.
    linkDocument: (text, decided) => linker.linkDocument(text, { topK, mentionVectors: true, context: { decisions: [...decided] } }),
    linkSpans: (text, spans, decided) => linker.linkSpans(text, spans, { topK, mentionVectors: true, context: { decisions: [...decided] } }),
    searchKb: (query, limit) => search.rows(query, limit).map((row) => kb.entities[row].id),
    titleOf: (id) => kb.get(id)?.title,
    nameSpans: (text) => (names ??= kbNameSpans(linker.detector.gazetteer))(text),
  };
}

const LEARNER_ACTION: Record<DecisionAction, LearnerAction> = { accept: 'accept', acceptAll: 'accept', choose: 'relink', nil: 'nil', reject: 'reject', linkSelection: 'add' };

/** A simulated decision as the learning core takes it. */
export function annotatorDecision(d: SimulatedDecision): AnnotatorDecision {
  return { document: d.documentId, start: d.start, end: d.end, text: d.text.slice(d.start, d.end), action: LEARNER_ACTION[d.action], entityId: d.kbId, mention: d.shown };
}

export interface LinkerLearningOptions {
  /**
   * Also fit the detect helper's mention scorer from accepted and linked-by-hand (positive) and rejected or NIL
   * (negative) spans. Off by default: the editor's online learning refits the ranker and the memory only.
   */
  readonly detection: boolean;
  /** Examples of each label the mention scorer needs before it replaces dictionary detection. */
  readonly minDetectionExamples: number;
  /**
   * The fitted scorer's probability below which a span is no mention: by default the operating point of the key
   * costs (keyCosts.ts, detectionOperatingPoint): a missed mention costs several keys, a false one a reject.
   */
  readonly detectionThreshold: number;
  /** MentionFitOptions.dictionaryPrior of the online scorer: its examples before it may drop a dictionary match. */
  readonly detectionDictionaryPrior: number;
  /**
   * The annotator memory reaches the linker with every decision (as the editor sends it to the link thread), not
   * only at the refit: a form or surname decided in one document is detected in the next ones at once. The memory
   * update is cheap; the refit of the ranker is what waits for `retrainEvery` decisions.
   */
  readonly memoryAtOnce: boolean;
}

/**
 * Online learning as the editor does it, with the learning core: the OnlineLearner (annotator memory + ranker
 * refit) and, when asked, the mention scorer; each refit hands the learned state to the linker. The linker starts from its shipped
 * state and is put back to it by `reset`.
 */
export class LinkerLearning implements OnlineLearning {
  readonly learner = new OnlineLearner();
  private readonly mentionExamples: MentionExample[] = [];
  private readonly options: LinkerLearningOptions;

  constructor(
    private readonly linker: Linker,
    options: Partial<LinkerLearningOptions> = {},
  ) {
    this.options = { detection: false, minDetectionExamples: 5, detectionThreshold: detectionOperatingPoint(), detectionDictionaryPrior: 0, memoryAtOnce: true, ...options };
    LinkerLearning.reset(linker);
  }

  /** The linker without anything learned. */
  static reset(linker: Linker): void {
    linker.setLearnedState(undefined);
    linker.setMentionScorer(undefined);
  }

  get memoryAtOnce(): boolean {
    return this.options.memoryAtOnce;
  }

  observe(d: SimulatedDecision): void {
    this.learner.observe(annotatorDecision(d));
    if (this.options.memoryAtOnce) this.linker.setLearnedState(this.learner.state);
    // A NIL span is a real mention, but not of this KB: for annotating against it, better not proposed.
    if (this.options.detection) this.mentionExamples.push(...this.linker.detector.examples(d.text, [{ start: d.start, end: d.end, label: d.status === 'accepted' }]));
  }

  refit(): Promise<void> {
    this.learner.refit();
    this.linker.setLearnedState(this.learner.state);
    const positives = this.mentionExamples.filter((e) => e.label).length;
    const negatives = this.mentionExamples.length - positives;
    if (this.options.detection && Math.min(positives, negatives) >= this.options.minDetectionExamples) this.linker.setMentionScorer(MentionScorer.fit(this.mentionExamples, { threshold: this.options.detectionThreshold, proposals: false, dictionaryPrior: this.options.detectionDictionaryPrior }));
    return Promise.resolve();
  }
}
