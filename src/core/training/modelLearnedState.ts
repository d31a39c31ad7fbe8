import * as path from 'node:path';
import { LinkerError } from '../errors';
import type { AnnotatorMemoryJson } from '../learning/annotatorMemory';
import { readRegularFileIfExists } from '../inputFile';
import { formKey } from '../learning/annotatorMemory';
import { ExemplarMemory } from '../learning/exemplarMemory';
import { type LearnedState, parseLearnedState } from '../learning/learnedState';

/**
 * What a model folder (or a workspace) keeps of the annotators' decisions beyond weights: the learned state
 * (src/core/learning/learnedState.ts) as `learned.json` beside `ranker.json` — the surface forms confirmed for
 * each entity (extra names for detection and retrieval), the annotators' prior p(entity | form), rejected and
 * NIL forms. `finetune` writes it from the training documents; opening a session on the folder reads it.
 */
export const LEARNED_FILE = 'learned.json';

/** The folder's learned state; undefined when it has none. A damaged file is an error naming it. */
export async function readLearnedStateFile(file: string): Promise<LearnedState | undefined> {
  const bytes = await readRegularFileIfExists(file, { what: 'The learned linker state', hint: 'Put back the learned.json that `finetune` wrote, or remove it to start learning afresh.' });
  if (bytes === undefined) return undefined;
  const raw = bytes.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new LinkerError('inputFormat', `The learned linker state is not valid JSON (${(e as Error).message}).`, { location: { file }, hint: 'Delete the file to start learning afresh.', cause: e });
  }
  return parseLearnedState(json, file).state;
}

export function readModelLearnedState(modelDir: string): Promise<LearnedState | undefined> {
  return readLearnedStateFile(path.join(modelDir, LEARNED_FILE));
}

/** Two memories as one: counts add up, names unite (one spelling per form). */
export function mergeMemories(a: AnnotatorMemoryJson, b: AnnotatorMemoryJson): AnnotatorMemoryJson {
  const forms: Record<string, Record<string, number>> = {};
  for (const source of [a.forms, b.forms]) {
    for (const [key, counts] of Object.entries(source)) {
      const into = (forms[key] ??= {});
      for (const [id, c] of Object.entries(counts)) into[id] = (into[id] ?? 0) + c;
    }
  }
  const names: Record<string, string[]> = {};
  for (const source of [a.names, b.names]) {
    for (const [id, list] of Object.entries(source)) {
      const into = (names[id] ??= []);
      for (const n of list) if (!into.some((m) => formKey(m) === formKey(n))) into.push(n);
    }
  }
  const add = (x: Readonly<Record<string, number>>, y: Readonly<Record<string, number>>): Record<string, number> => {
    const out: Record<string, number> = { ...x };
    for (const [k, c] of Object.entries(y)) out[k] = (out[k] ?? 0) + c;
    return out;
  };
  // The conventions' judgements (annotated, skipped) per form and entity add up like the other counts.
  const judged: Record<string, [number, number]> = {};
  for (const source of [a.judged ?? {}, b.judged ?? {}]) {
    for (const [key, [annotated, skipped]] of Object.entries(source)) {
      const into = (judged[key] ??= [0, 0]);
      into[0] += annotated;
      into[1] += skipped;
    }
  }
  return { version: 1, forms, names, rejected: add(a.rejected, b.rejected), nil: add(a.nil, b.nil), ...(Object.keys(judged).length === 0 ? {} : { judged }) };
}

/**
 * A model folder's state with the workspace's online one on top: the online weights (refitted from the
 * model's) win; memories (the annotator memory, the exemplar centroids) add up. Either may be absent.
 */
export function stackLearnedStates(base: LearnedState | undefined, online: LearnedState | undefined): LearnedState | undefined {
  if (base === undefined || online === undefined) return online ?? base;
  const weights = online.weights ?? base.weights;
  const exemplars = base.exemplars === undefined || online.exemplars === undefined ? (online.exemplars ?? base.exemplars) : ExemplarMemory.merge(base.exemplars, online.exemplars);
  return {
    version: 1,
    memory: mergeMemories(base.memory, online.memory),
    ...(exemplars === undefined ? {} : { exemplars }),
    decisions: base.decisions + online.decisions,
    ...(weights === undefined ? {} : { weights }),
  };
}
