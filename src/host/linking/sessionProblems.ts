import * as path from 'node:path';
import { LinkerError } from '../../core/errors';
import type { SkippedRecord } from '../../core/kb/kbReadOptions';
import type { LinkingSessionConfig } from '../../core/session/linkingSession';

/** Where a KB problem is: the file, and the 1-based line when there is one. */
export interface KbProblem {
  readonly file: string;
  readonly line?: number;
}

export interface LoadFailure {
  /** The notification text: what failed (the KB, the model, the session), where, and what to do. */
  readonly message: string;
  /** A bad KB record: loading leniently would skip it. */
  readonly kbRecord: boolean;
  /** The KB file (and line) to open, when the failure is in one. */
  readonly problem?: KbProblem;
}

const MODEL_REASONS: readonly string[] = ['modelLoad', 'modelMissing', 'providerUnavailable'];

/**
 * What the editor says when the linking session cannot load (no `vscode` here). The core's hints speak the
 * CLI's language ("load leniently", --lenient); here the way out is the entityLinker.kb.lenient setting.
 */
export function describeLoadFailure(e: unknown, options: Pick<LinkingSessionConfig, 'kbSources' | 'kbConfig' | 'strict'>): LoadFailure {
  const error = e instanceof Error ? e : new Error(String(e));
  const linkerError = LinkerError.is(error) ? error : undefined;
  const file = linkerError?.location.file;
  const kbFiles = [...(options.kbSources ?? []).map((s) => s.path), ...(options.kbConfig === undefined ? [] : [options.kbConfig])].map((p) => path.resolve(p));
  const kbRecord = linkerError?.reason === 'kbRecord';
  const inKb = kbRecord || (file !== undefined && kbFiles.includes(path.resolve(file)));
  let text = error.message;
  const hint = linkerError?.hint;
  if (hint !== undefined && text.endsWith(hint)) {
    const editorHint = hint.replace(/\s*\([^()]*lenient[^()]*\)\s*$/i, '').trim();
    text = `${text.slice(0, text.length - hint.length).trimEnd()}${editorHint === '' ? '' : ` ${editorHint}`}`;
  }
  if (kbRecord && options.strict !== false) text += ' Fix the record, or set entityLinker.kb.lenient to skip bad records (each is listed in the log).';
  const what = inKb ? 'the KB could not be loaded' : MODEL_REASONS.includes(linkerError?.reason ?? '') ? 'the model could not be loaded' : 'the linker could not be loaded';
  return {
    message: `Entity Linker: ${what}. ${text}`,
    kbRecord,
    ...(inKb && file !== undefined ? { problem: { file, ...(linkerError?.location.line === undefined ? {} : { line: linkerError.location.line }) } } : {}),
  };
}

/** The notification after a lenient load skipped records. */
export function describeSkippedRecords(skipped: { readonly count: number; readonly first: readonly SkippedRecord[] }): string {
  const first = skipped.first[0];
  const where = first === undefined ? '' : ` The first: ${first.file}${first.line > 0 ? `:${first.line}` : ''}: ${first.reason}.`;
  return `Entity Linker: the KB loaded without ${skipped.count} bad record${skipped.count === 1 ? '' : 's'} (entityLinker.kb.lenient is on; each is listed in the log).${where}`;
}
