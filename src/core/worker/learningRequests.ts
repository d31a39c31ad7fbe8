import { type OnlineLearnerJson, OnlineLearner, type RefitReport } from '../learning/onlineLearner';
import type { RankingExample } from '../learning/rankerTrainer';
import type { LearnedState } from '../learning/learnedState';
import { KB_KINDS, serializeRankerWeights } from '../linker/ranker';
import type { LinkingSession } from '../session/linkingSession';
import { writeOnlineLearner } from '../training/onlineStateFile';
import { stackLearnedStates } from '../training/modelLearnedState';

/**
 * The worker's side of online adaptation. The learner itself lives with the editor (it sees the decisions);
 * a refit (seconds for thousands of decisions, synchronous) runs on the training thread, so linking never
 * queues behind it; the link thread only swaps the learned state in, which is cheap.
 */

/**
 * The refit's outcome, small on purpose (the learner's examples stay with the editor): the refitted weights
 * (serialised; absent while no decision gave a ranking example) and the report.
 */
export interface RefitResult {
  readonly weights?: Record<string, unknown>;
  readonly report: RefitReport;
}

/** The online learner's starting point: the open model's ranker weights (serialised) and what its folder learned. */
export interface LearnedBase {
  readonly modelDir: string;
  readonly weights: Record<string, unknown>;
  /** Decisions the model folder's learned state came from (0 without one). */
  readonly decisions: number;
}

/**
 * A learner's ranking examples packed into one typed array for the message to the training thread: posting
 * thousands of small arrays costs the sender tens of milliseconds of structured cloning, one Float64Array a
 * copy. Per example: the candidate count, the gold index, the random-negative count, the weight, the profile
 * (0 none, else 1 + its index in KB_KINDS), then the feature rows.
 */
export interface PackedExamples {
  readonly dims: number;
  readonly data: Float64Array;
}

export function packExamples(examples: readonly RankingExample[]): PackedExamples {
  const dims = examples[0]?.features[0]?.length ?? 0;
  let size = 0;
  for (const ex of examples) size += 5 + (ex.features.length + (ex.random?.length ?? 0)) * dims;
  const data = new Float64Array(size);
  let at = 0;
  for (const ex of examples) {
    data[at++] = ex.features.length;
    data[at++] = ex.gold;
    data[at++] = ex.random?.length ?? 0;
    data[at++] = ex.weight ?? 1;
    data[at++] = ex.profile === undefined ? 0 : 1 + KB_KINDS.indexOf(ex.profile);
    for (const row of [...ex.features, ...(ex.random ?? [])]) {
      data.set(row, at);
      at += dims;
    }
  }
  return { dims, data };
}

export function unpackExamples(packed: PackedExamples): RankingExample[] {
  const { dims, data } = packed;
  const out: RankingExample[] = [];
  const rows = (count: number, from: number): number[][] => Array.from({ length: count }, (_, i) => Array.from(data.subarray(from + i * dims, from + (i + 1) * dims)));
  for (let at = 0; at < data.length; ) {
    const n = data[at]!;
    const gold = data[at + 1]!;
    const r = data[at + 2]!;
    const weight = data[at + 3]!;
    const profile = KB_KINDS[data[at + 4]! - 1];
    at += 5;
    const features = rows(n, at);
    at += n * dims;
    const random = rows(r, at);
    at += r * dims;
    out.push({ features, gold, ...(r > 0 ? { random } : {}), ...(weight === 1 ? {} : { weight }), ...(profile === undefined ? {} : { profile }) });
  }
  return out;
}

/** The request body of a refit: the learner without its examples, which travel packed. */
export function refitRequest(json: OnlineLearnerJson, persistTo?: string): { kind: 'refit'; learner: OnlineLearnerJson; examples: PackedExamples; persistTo?: string } {
  return { kind: 'refit', learner: { ...json, examples: [] }, examples: packExamples(json.examples), ...(persistTo === undefined ? {} : { persistTo }) };
}

/** Refits the learner; with `persistTo` its refitted state is written there (atomically) by this thread too. */
export async function refitLearner(json: OnlineLearnerJson, packed: PackedExamples | undefined, signal: AbortSignal, persistTo?: string): Promise<RefitResult> {
  const learner = OnlineLearner.fromJSON(packed === undefined ? json : { ...json, examples: unpackExamples(packed) });
  const report = learner.refit(signal);
  const refitted = learner.toJSON();
  if (persistTo !== undefined) await writeOnlineLearner(persistTo, refitted);
  return { ...(refitted.weights === undefined ? {} : { weights: refitted.weights }), report };
}

/** The workspace's learned state on top of the model folder's (null: the model folder's alone). */
export function applyLearned(session: LinkingSession, state: LearnedState | null): void {
  session.linker.setLearnedState(stackLearnedStates(session.learned, state ?? undefined));
}

export function learnedBase(session: LinkingSession): LearnedBase {
  return { modelDir: session.modelDir, weights: serializeRankerWeights(session.rankerWeights), decisions: session.learned?.decisions ?? 0 };
}
