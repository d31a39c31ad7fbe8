import * as os from 'node:os';
import type * as vscode from 'vscode';
import { annotatorFromUserName, checkAnnotatorName } from '../../core/annotations/annotationPaths';
import { LinkerError } from '../../core/errors';

/**
 * Who is annotating (setting `entityLinker.annotator`). Empty (the default): the OS user name is written on each
 * decision and the labels stay in the shared `.entity-links/<doc>.jsonl`, as for a single annotator. Set: the
 * labels go to that annotator's own files, `.entity-links/@<name>/<doc>.jsonl`, so team members annotate the
 * same documents independently and their commits never conflict.
 */
export interface AnnotatorSettings {
  readonly name: string;
  readonly ownFiles: boolean;
}

export const ANNOTATOR_SETTING = 'entityLinker.annotator';

export function readAnnotatorSettings(config: vscode.WorkspaceConfiguration, warn: (message: string) => void): AnnotatorSettings {
  const fallback = { name: annotatorFromUserName(userName()), ownFiles: false };
  const raw = (config.get<string>('annotator') ?? '').trim();
  if (raw === '') return fallback;
  try {
    return { name: checkAnnotatorName(raw, `Setting ${ANNOTATOR_SETTING}`), ownFiles: true };
  } catch (e) {
    if (!LinkerError.is(e)) throw e;
    warn(`${e.message} Labels go to the shared file as "${fallback.name}" until it is fixed.`);
    return fallback;
  }
}

function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'user';
  }
}
