import { LinkerError } from '../errors';
import { rankerWeightsFromJson } from '../linker/ranker';
import type { RankerWeights } from '../linker/ranker';
import { AnnotatorMemory } from './annotatorMemory';
import type { AnnotatorMemoryJson } from './annotatorMemory';
import { ExemplarMemory } from './exemplarMemory';
import type { ExemplarMemoryJson } from './exemplarMemory';

/**
 * What the linker uses of the annotator's decisions: refitted ranker weights (absent until the first refit)
 * and the annotator memory. Plain JSON, so it crosses to a worker thread and persists as a file.
 */
export interface LearnedState {
  readonly version: 1;
  readonly weights?: RankerWeights;
  readonly memory: AnnotatorMemoryJson;
  /** The in-context vectors of the confirmed mentions, per entity (the ranker's `exemplar` feature); optional. */
  readonly exemplars?: ExemplarMemoryJson;
  /** Decisions the state was learned from. */
  readonly decisions: number;
}

/** Checks a parsed learned state (a file or a message) and returns it with its memories parsed. */
export function parseLearnedState(json: unknown, file = 'learned state'): { state: LearnedState; memory: AnnotatorMemory; exemplars?: ExemplarMemory } {
  const o = json as Partial<LearnedState> | null;
  if (typeof o !== 'object' || o === null || o.version !== 1 || typeof o.decisions !== 'number') {
    throw new LinkerError('inputFormat', 'The learned linker state must be {"version": 1, "memory": {...}, "decisions": N}.', {
      location: { file },
      hint: 'Delete the file to start learning afresh.',
    });
  }
  const memory = AnnotatorMemory.fromJSON(o.memory, file);
  const weights = o.weights === undefined ? undefined : rankerWeightsFromJson(o.weights, file, true);
  const exemplars = o.exemplars === undefined ? undefined : ExemplarMemory.fromJSON(o.exemplars, file);
  const state: LearnedState = {
    version: 1,
    memory: memory.toJSON(),
    // Checked above; kept as given (re-encoding every vector on each state change would cost more than the check).
    ...(o.exemplars === undefined ? {} : { exemplars: o.exemplars }),
    decisions: o.decisions,
    ...(weights === undefined ? {} : { weights }),
  };
  return { state, memory, ...(exemplars === undefined ? {} : { exemplars }) };
}
