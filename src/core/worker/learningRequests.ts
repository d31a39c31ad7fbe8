import { type OnlineLearnerJson, OnlineLearner, type RefitReport } from '../learning/onlineLearner';
import type { LearnedState } from '../learning/learnedState';
import { serializeRankerWeights } from '../linker/ranker';
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

/** Refits the learner; with `persistTo` its refitted state is written there (atomically) by this thread too. */
export async function refitLearner(json: OnlineLearnerJson, signal: AbortSignal, persistTo?: string): Promise<RefitResult> {
  const learner = OnlineLearner.fromJSON(json);
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
