import type { Entity } from '../kb/entity';
import type { SkippedRecord } from '../kb/kbReadOptions';
import type { DocumentContext, LinkedMention, SpanRequest } from '../linker/types';
import type { LinkingSessionConfig } from '../session/linkingSession';
import type { LinkerErrorLocation, LinkerErrorReason } from '../errors';
import type { Progress } from '../log';
import type { ExportSummary } from '../formats/export/exportGold';
import type { ExportRequest, FinetuneRequest, FinetuneSummary } from './trainingRequests';
import type { LearnedBase, PackedExamples, RefitResult } from './learningRequests';
import type { LearnedState } from '../learning/learnedState';
import type { OnlineLearnerJson } from '../learning/onlineLearner';

/**
 * The typed message protocol between the extension host (client) and the linker worker thread. Every request
 * carries an id; the worker answers each with exactly one response of that id. `cancel` aborts a request in
 * flight (it then answers with a `cancelled` error). Everything here is structured-cloneable.
 */

/** What the host shows about a loaded session (status bar, hover footers). */
export interface SessionInfo {
  readonly kbName: string;
  readonly kbSize: number;
  readonly modelDir: string;
  readonly modelId: string;
  readonly provider: string;
  readonly dims: number;
  readonly indexAction: 'opened' | 'built';
  readonly loadMs: number;
  /** Bad KB records a lenient load skipped (strict: false): how many, and the first few with file and line. */
  readonly kbSkipped?: { readonly count: number; readonly first: readonly SkippedRecord[] };
}

/** The answer to compareTexts: the cosine and the encoder that computed it. */
export interface TextComparison {
  readonly cosine: number;
  readonly provider: string;
  readonly dims: number;
}

/** A KB search hit for the candidate picker. */
export interface EntityHit {
  readonly id: string;
  readonly title: string;
  readonly type?: string;
  /** The start of the description. */
  readonly snippet: string;
  readonly aliases: readonly string[];
}

export type WorkerRequest =
  | { readonly id: number; readonly kind: 'open'; readonly options: LinkingSessionConfig }
  /** Links a whole document; with a `key` the worker re-links only changed paragraphs against the key's last run. */
  | { readonly id: number; readonly kind: 'linkDocument'; readonly key?: string; readonly text: string; readonly topK?: number; readonly context?: DocumentContext }
  | { readonly id: number; readonly kind: 'linkSpans'; readonly text: string; readonly spans: readonly SpanRequest[]; readonly topK?: number; readonly context?: DocumentContext }
  | { readonly id: number; readonly kind: 'searchKb'; readonly query: string; readonly limit: number }
  | { readonly id: number; readonly kind: 'entities'; readonly ids: readonly string[] }
  /** Drops the key's cached last run (the document closed). */
  | { readonly id: number; readonly kind: 'forget'; readonly key: string }
  /** Measures the worker's own event-loop responsiveness (a round trip with no work). */
  | { readonly id: number; readonly kind: 'ping' }
  /** Cosine similarity of a mention text and an entity text under the session's encoder (Compare Two Texts). */
  | { readonly id: number; readonly kind: 'compareTexts'; readonly mention: string; readonly entity: string }
  /** Exports a workspace's annotation store (BLINK negatives mined by the session's linker). */
  | { readonly id: number; readonly kind: 'exportGold'; readonly request: ExportRequest }
  /** Fine-tunes the session's model on a workspace's annotation store into a new model folder; progress per epoch. */
  | { readonly id: number; readonly kind: 'finetune'; readonly request: FinetuneRequest }
  /** Refits an online learner's ranker (no session needed; runs on the training thread). */
  | { readonly id: number; readonly kind: 'refit'; readonly learner: OnlineLearnerJson; readonly examples?: PackedExamples; readonly persistTo?: string }
  /** Deletes a workspace's saved learner once the refits that write it have finished (training thread, no session). */
  | { readonly id: number; readonly kind: 'forgetLearned'; readonly file: string }
  /**
   * Puts the workspace's learned state on top of the model's (null: the model's alone) and links with it.
   * `keepRuns`: only the memory moved (one decision between refits): the documents' last runs stay for
   * incremental re-linking instead of being dropped.
   */
  | { readonly id: number; readonly kind: 'setLearned'; readonly state: LearnedState | null; readonly keepRuns?: boolean }
  /** The open session's ranker weights and the decisions its model folder learned from (the online learner's base). */
  | { readonly id: number; readonly kind: 'learnedBase' }
  /** The in-context vectors of decided spans under the session's model (what a decision adds to the exemplar memory). */
  | { readonly id: number; readonly kind: 'mentionVectors'; readonly text: string; readonly spans: readonly { readonly start: number; readonly end: number }[] }
  /** The spans of a text the KB has a name for, in any case (Next / Previous Possible Name); null for a KB read from a store alone. */
  | { readonly id: number; readonly kind: 'nameSpans'; readonly text: string };

export type WorkerRequestKind = WorkerRequest['kind'];

/** The result type of each request kind. */
export interface WorkerResults {
  open: SessionInfo;
  linkDocument: LinkedMention[];
  linkSpans: LinkedMention[];
  searchKb: EntityHit[];
  entities: (Entity | null)[];
  forget: null;
  ping: null;
  compareTexts: TextComparison;
  exportGold: ExportSummary;
  finetune: FinetuneSummary;
  refit: RefitResult;
  forgetLearned: null;
  setLearned: null;
  learnedBase: LearnedBase;
  mentionVectors: number[][];
  nameSpans: { start: number; end: number }[] | null;
}

export interface SerializedError {
  readonly reason: LinkerErrorReason;
  readonly message: string;
  readonly hint?: string;
  readonly location?: LinkerErrorLocation;
  readonly stack?: string;
}

/**
 * `close` asks the worker to abort what is in flight, wait for it to stop and release its session before the
 * host terminates the thread: terminating while a native call (an ONNX run) is pending can abort the whole
 * process. The worker answers `closed`.
 */
export type WorkerInbound = WorkerRequest | { readonly kind: 'cancel'; readonly id: number } | { readonly kind: 'close'; readonly id: number };

export type WorkerOutbound =
  | { readonly kind: 'response'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly kind: 'response'; readonly id: number; readonly ok: false; readonly error: SerializedError }
  | ({ readonly kind: 'progress'; readonly id: number } & Progress)
  | { readonly kind: 'log'; readonly level: 'trace' | 'debug' | 'info' | 'warn' | 'error'; readonly message: string }
  | { readonly kind: 'closed' };

/** Every request kind, as a record so that a kind added to WorkerRequest without being listed here fails to compile. */
const REQUEST_KIND_SET: Readonly<Record<WorkerRequestKind, true>> = {
  open: true, linkDocument: true, linkSpans: true, searchKb: true, entities: true, forget: true, ping: true, compareTexts: true,
  exportGold: true, finetune: true, refit: true, forgetLearned: true, setLearned: true, learnedBase: true, mentionVectors: true, nameSpans: true,
};
const REQUEST_KINDS: readonly string[] = Object.keys(REQUEST_KIND_SET);

/** Type guard for messages arriving in the worker. */
export function isWorkerInbound(value: unknown): value is WorkerInbound {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { kind?: unknown; id?: unknown };
  return typeof v.id === 'number' && typeof v.kind === 'string' && (v.kind === 'cancel' || v.kind === 'close' || REQUEST_KINDS.includes(v.kind));
}

/** Type guard for messages arriving in the host. */
export function isWorkerOutbound(value: unknown): value is WorkerOutbound {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'response' || kind === 'progress' || kind === 'log' || kind === 'closed';
}
