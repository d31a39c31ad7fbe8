import { LinkerError } from '../errors';
import { rankerWeightsFromJson } from '../linker/ranker';
import type { RankerWeights } from '../linker/ranker';
import { AnnotatorMemory } from './annotatorMemory';
import type { AnnotatorMemoryJson } from './annotatorMemory';

/**
 * What the linker uses of the annotator's decisions: refitted ranker weights (absent until the first refit)
 * and the annotator memory. Plain JSON, so it crosses to a worker thread and persists as a file.
 */
export interface LearnedState {
  readonly version: 1;
  readonly weights?: RankerWeights;
  readonly memory: AnnotatorMemoryJson;
  /** Decisions the state was learned from. */
  readonly decisions: number;
}

/** Checks a parsed learned state (a file or a message) and returns it with its memory parsed. */
export function parseLearnedState(json: unknown, file = 'learned state'): { state: LearnedState; memory: AnnotatorMemory } {
  const o = json as Partial<LearnedState> | null;
  if (typeof o !== 'object' || o === null || o.version !== 1 || typeof o.decisions !== 'number') {
    throw new LinkerError('inputFormat', 'The learned linker state must be {"version": 1, "memory": {...}, "decisions": N}.', {
      location: { file },
      hint: 'Delete the file to start learning afresh.',
    });
  }
  const memory = AnnotatorMemory.fromJSON(o.memory, file);
  const weights = o.weights === undefined ? undefined : rankerWeightsFromJson(o.weights, file, true);
  return { state: { version: 1, memory: memory.toJSON(), decisions: o.decisions, ...(weights === undefined ? {} : { weights }) }, memory };
}
