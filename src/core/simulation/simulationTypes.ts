import type { MappedGold } from '../formats/goldMapping';
import type { LinkedMention, Span } from '../linker/types';

/** A decision already made in the document being linked (entityId null: NIL or rejected). */
export interface DecidedSpan extends Span {
  readonly text: string;
  readonly entityId: string | null;
}

/**
 * What the simulated session needs from the linker: the editor's linking calls (with the decisions already
 * made in the document, for one sense per discourse and coherence) and the picker's KB search.
 */
export interface SimulationLinker {
  /** Detects and links a document, as the editor does when it opens. */
  linkDocument(text: string, decided: readonly DecidedSpan[]): Promise<LinkedMention[]>;
  /** Links given spans: Link Selection, and re-ranking unresolved mentions after a refit. */
  linkSpans(text: string, spans: readonly Span[], decided: readonly DecidedSpan[]): Promise<LinkedMention[]>;
  /** The picker's live KB search: entity ids best first. */
  searchKb(query: string, limit: number): readonly string[];
  /** The title the annotator types to find an entity (undefined for an unknown id). */
  titleOf(id: string): string | undefined;
  /**
   * The spans of a text the KB has a name for in any case (kbNameSpans.ts): the lower-case stops of Next / Previous
   * Possible Name (EditorFlow.possibleNames). Absent: that route is not taken.
   */
  nameSpans?(text: string): readonly Span[];
}

/** One annotator decision, as the editor stores it. */
export interface SimulatedDecision {
  readonly documentId: string;
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** The chosen entity, or null for NIL and rejections. */
  readonly kbId: string | null;
  readonly status: 'accepted' | 'nil' | 'rejected';
  /** How the decision was made: the command the annotator used. */
  readonly action: DecisionAction;
  /** The candidates the annotator saw (for a missed mention: what Link Selection ranked). */
  readonly shown: LinkedMention;
  /** False for a gold mention the linker did not detect (linked with Link Selection). */
  readonly detected: boolean;
}

export type DecisionAction = 'accept' | 'acceptAll' | 'choose' | 'nil' | 'reject' | 'linkSelection';

/**
 * Online learning as the session sees it: every decision is observed, and after every N decisions the
 * learner refits; the linker it wraps ranks (and, where the learner does that too, detects) with the
 * refitted state from then on.
 */
export interface OnlineLearning {
  observe(decision: SimulatedDecision): void;
  refit(): Promise<void>;
  /**
   * True when `observe` already hands the decision's memory to the linker (LinkerLearningOptions.memoryAtOnce):
   * the other open documents in which the decided form recurs are then linked again at once, as the editor does.
   */
  readonly memoryAtOnce?: boolean;
}

/** A gold document whose mentions are already mapped to KB ids. */
export interface SimulationDocument {
  readonly id: string;
  readonly text: string;
  /** `optional`: a label the benchmark does not require (elevant): linked when detected, left alone when missed. */
  readonly mentions: readonly (Span & { readonly gold: MappedGold; readonly optional?: boolean })[];
}

export type VisitOrder = 'document' | 'uncertainty';

/**
 * The editor's flow features the session replays (document order only; `DEFAULT_EDITOR_FLOW` is what the editor
 * ships, `LEGACY_EDITOR_FLOW` the editor before them):
 * - `acrossDocuments` (entityLinker.annotation.advanceAcrossDocuments): the decision on a document's last open
 *   mention moves on to the next document of the annotation queue, its first suggestion revealed, with no key;
 *   Link Selection moves on to the document's next open mention. The annotator links what the linker missed
 *   first (on arrival, reading the text), then decides the suggestions. Off: suggestions first, then a pass
 *   from the document start (Ctrl+Home) over the missed mentions, and a key to reach each document.
 * - `possibleMentions`: Next / Previous Possible Mention (possibleMentions.ts) reach a missed mention when that
 *   is cheaper than moving by words or Find.
 * - `linkSelectionAcceptAbove` (entityLinker.annotation.linkSelectionAcceptAbove): Link Selection accepts the top
 *   candidate of the selected span at once, without the picker, when its probability reaches this (and the
 *   linker does not call it NIL); a wrong one is corrected with Undo Annotation Action (which reveals the span,
 *   back to an open suggestion), Choose Candidate and the picker. Undefined or 1: the picker always opens.
 * - `rejectRemaining` (with `acrossDocuments`; the editor's Reject Remaining command, keyCosts.ts KEY.rejectRemaining):
 *   when the open suggestion the annotator is on is the document's first open one and it and every open one after
 *   it are no mentions (two or more), one key (KEY.rejectRemaining, counted under `reject`) rejects them all; each
 *   is a rejection the learner sees.
 * - `acceptRemaining` (with `acrossDocuments`; the editor's Accept Remaining command, KEY.acceptRemaining, counted
 *   under `accept`): likewise when every open suggestion from the document's first open one on has the right top
 *   candidate; each is an accept the learner sees.
 * - `linkAtCaret` (the editor's Link Selection with nothing selected links the name at the caret, nameAtCaret):
 *   a missed mention that is the name at the caret is reached by putting the caret in its first word (caretKeys),
 *   with no Ctrl+Shift+Right to select it.
 * - `linkSelectionMovesOn` (with `acrossDocuments`; the editor's Link Selection and Move On, the same key cost as
 *   Link Selection): when the document's last action is linking a missed mention and nothing is left to do in it,
 *   it moves on to the next document of the queue as a last decision does (no Next Unresolved to leave it).
 * - `possibleNames` (with `possibleMentions`; a second pair of commands, Next / Previous Possible Name, one chord each
 *   as Possible Mention): they step through the same stops but for the lower-case words no KB name covers
 *   (possibleMentions' `names`, SimulationLinker.nameSpans; the editor asks the link thread for them); a missed
 *   mention is reached with whichever pair takes fewer presses (counted under `possible`).
 */
export interface EditorFlow {
  readonly acrossDocuments: boolean;
  readonly possibleMentions: boolean;
  readonly linkSelectionAcceptAbove?: number;
  readonly rejectRemaining?: boolean;
  readonly acceptRemaining?: boolean;
  readonly linkAtCaret?: boolean;
  readonly linkSelectionMovesOn?: boolean;
  readonly possibleNames?: boolean;
}

/** The editor's default of entityLinker.annotation.linkSelectionAcceptAbove (package.json). */
export const LINK_SELECTION_ACCEPT_ABOVE = 0.7;

export const DEFAULT_EDITOR_FLOW: EditorFlow = { acrossDocuments: true, possibleMentions: true, linkSelectionAcceptAbove: LINK_SELECTION_ACCEPT_ABOVE, rejectRemaining: true, acceptRemaining: true, linkAtCaret: true, linkSelectionMovesOn: true, possibleNames: true };
export const LEGACY_EDITOR_FLOW: EditorFlow = { acrossDocuments: false, possibleMentions: false };

export interface SimulationOptions {
  /** Refit after every this many decisions (with a learner). */
  readonly retrainEvery: number;
  readonly order: VisitOrder;
  /** The editor's flow features; default DEFAULT_EDITOR_FLOW. */
  readonly flow?: EditorFlow;
  /** Press Accept All Above Threshold once per document with this threshold; undefined: never. */
  readonly acceptAllThreshold?: number;
  /** Picker rows visible without scrolling: a typed search stops once the gold is among them. */
  readonly visibleRows: number;
  /** KB search hits the picker shows (the editor asks for 30). */
  readonly searchLimit: number;
  /** Decisions per block of the learning curve. */
  readonly blockSize: number;
  readonly signal?: AbortSignal;
  /** Every decision as the learner would see it (with or without a learner), e.g. to break the learning curve down. */
  readonly onDecision?: (decision: SimulatedDecision) => void;
  readonly onProgress?: (done: number, total: number) => void;
}

export const DEFAULT_SIMULATION_OPTIONS: SimulationOptions = { retrainEvery: 10, order: 'document', visibleRows: 10, searchLimit: 30, blockSize: 50 };

/** Keys by what they were spent on. */
export interface KeyBreakdown {
  /** Arriving at another document's mention (one chord each; the first document's too). */
  navigation: number;
  accept: number;
  /** The Choose Candidate chord (the picker's own keys are under `picker`). */
  choose: number;
  /** Inside the picker: arrows, typed characters, Enter. */
  picker: number;
  nil: number;
  reject: number;
  /** Ctrl+Home, word moves and selection to reach a missed mention or a wrong acceptance. */
  cursor: number;
  /** Next / Previous Possible Mention presses (and the Ctrl+Shift+Right that extend their selection). */
  possible: number;
  linkSelection: number;
  acceptAll: number;
  /** Undo Annotation Action: correcting a top candidate Link Selection accepted at once. */
  undo: number;
}

export interface SessionResult {
  /** In-KB gold mentions: the denominator of keystrokes per mention. */
  readonly gold: number;
  /** Gold mentions out of the KB or NIL (marked NIL when detected, otherwise left alone). */
  readonly goldNotInKb: number;
  readonly documents: number;
  /** Keys with the one-key flow (actions move to the next unresolved mention) and with an explicit Next each. */
  readonly keystrokes: { readonly autoAdvance: number; readonly manual: number };
  readonly keys: KeyBreakdown;
  /** Next Unresolved presses the manual flow adds to the auto-advance one (one per move auto-advance made). */
  readonly extraNextManual: number;
  readonly decisions: number;
  /** Share of decisions where the linker's suggestion was what the annotator chose, per block of `blockSize`. */
  readonly accuracyByBlock: readonly number[];
  readonly accuracyFirstHalf: number | null;
  readonly accuracySecondHalf: number | null;
  readonly outcomes: Readonly<Record<DecisionAction, number>> & { readonly unreachable: number };
  readonly refits: number;
  readonly documentSwitches: number;
}
