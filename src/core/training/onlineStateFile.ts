import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { ANNOTATION_DIR, ANNOTATOR_FOLDER_PREFIX, checkAnnotatorName } from '../annotations/annotationPaths';
import { writeTextAtomic } from '../atomicFile';
import { LinkerError } from '../errors';
import { readRegularFileIfExists } from '../inputFile';
import { OnlineLearner, type OnlineLearnerJson } from '../learning/onlineLearner';
import type { RankerWeights } from '../linker/ranker';

/** Where a workspace keeps what the linker learned online: hidden, so no reader takes it for an annotation file. */
export const ONLINE_STATE_FILE = '.online-learning.json';

/**
 * The workspace's online learning state: `.entity-links/.online-learning.json`, or, for an annotator who keeps
 * their own label files (team annotation), `.entity-links/@<annotator>/.online-learning.json`, so that what each
 * annotator's linker learned is theirs and their commits never conflict over it.
 */
export function onlineStateFileFor(workspaceRoot: string, annotator?: string): string {
  if (annotator === undefined) return path.join(workspaceRoot, ANNOTATION_DIR, ONLINE_STATE_FILE);
  return path.join(workspaceRoot, ANNOTATION_DIR, ANNOTATOR_FOLDER_PREFIX + checkAnnotatorName(annotator, 'Online learning state'), ONLINE_STATE_FILE);
}

/**
 * A workspace's saved learner; undefined when there is none. A damaged file is an error naming it. Only a regular
 * file is read: a symbolic link (a cloned repository can point `.online-learning.json` at a secret, whose first
 * bytes the JSON error would show) is refused unread, naming its target, as the annotation store refuses its
 * files; the atomic writer never writes through one either.
 */
export async function readOnlineLearner(file: string, base: RankerWeights): Promise<OnlineLearner | undefined> {
  const bytes = await readRegularFileIfExists(file, {
    what: 'The online learning state',
    code: 'inputFormat',
    noFollow: true,
    hint: 'Remove it, or (a link) replace it by a copy of the file it points to; the annotations are not in it, and without it learning starts afresh.',
  });
  if (bytes === undefined) return undefined;
  const raw = bytes.toString('utf8');
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

/** Deletes a workspace's saved learner (Forget What Was Learned); nothing to delete is not an error. */
export async function deleteOnlineLearner(file: string): Promise<void> {
  try {
    await rm(file, { force: true });
  } catch (e) {
    throw new LinkerError('usage', `Could not delete the online learning state (${(e as Error).message}).`, { location: { file }, hint: 'Delete the file by hand; the annotations are not in it.', cause: e });
  }
}
