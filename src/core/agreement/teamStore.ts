import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { type AnnotationRecord, contentHashOf, parseAnnotationFile } from '../annotations/annotationRecord';
import { ANNOTATION_DIR, CURATED_ANNOTATOR, annotatorOfStoreFile, isAnnotationFileName } from '../annotations/annotationPaths';
import { reanchorRecords } from '../annotations/reanchor';
import { documentInside } from '../annotations/storeDocument';
import { goldFormatError } from '../formats/goldDocument';
import { readTextInput, statInput } from '../inputFile';
import type { LabelSet, TeamDocument } from './teamLabels';

/**
 * Reads a workspace's whole annotation store as team documents: every `.entity-links` file, grouped by the
 * document its header names, each placed in the document's current text (re-anchored in memory when the
 * document changed since that file was saved; nothing is written). An annotator's own file
 * (`@<name>/<doc>.jsonl`) is that annotator's label set; the shared file (`<doc>.jsonl`, the layout of a
 * single-annotator store) is one more label set, named by its records' annotator (the single name they share,
 * else "shared"); `@curated/` holds the curator's decisions.
 */
export interface TeamStore {
  /** The workspace root (the folder holding `.entity-links`). */
  readonly root: string;
  readonly documents: readonly TeamDocument[];
  /** Decided labels that could not be placed in their document's text: left out, as the editor flags them for review. */
  readonly unplaced: readonly UnplacedLabel[];
  /** Entries named like label files that are not regular files (a folder, a link, a pipe): not read. */
  readonly notRead: readonly string[];
}

export interface UnplacedLabel {
  readonly file: string;
  readonly line: number;
  /** The record's id (it keeps it, flagged for review). */
  readonly id: string;
  readonly text: string;
  readonly why: string;
}

/** Reads `<folder>/.entity-links`, or the `.entity-links` folder itself; documents are relative to `workspaceRoot` (default: the folder holding `.entity-links`). */
export async function readTeamStore(target: string, workspaceRoot?: string): Promise<TeamStore> {
  const resolved = path.resolve(target);
  const store = path.basename(resolved) === ANNOTATION_DIR ? resolved : path.join(resolved, ANNOTATION_DIR);
  if (!(await statInput(store, 'The annotation store', 'file-or-folder').catch(() => undefined))?.isDirectory()) {
    throw goldFormatError(`no ${ANNOTATION_DIR} folder here.`, { file: target }, `Pass a workspace folder that holds ${ANNOTATION_DIR}/, or that folder itself.`);
  }
  const root = workspaceRoot ?? path.dirname(store);
  const entries = (await readdir(store, { recursive: true, withFileTypes: true })).filter((e) => isAnnotationFileName(e.name));
  const pathOf = (e: (typeof entries)[number]): string => path.join(e.parentPath ?? e.path, e.name);
  const files = entries.filter((e) => e.isFile()).map(pathOf).sort();
  const notRead = entries.filter((e) => !e.isFile()).map(pathOf).sort();
  const byDocument = new Map<string, StoreFile[]>();
  for (const file of files) {
    const { header, records, recordLines } = parseAnnotationFile(await readTextInput(file, 'The annotation file'), file);
    const rel = path.relative(store, file).split(path.sep).join('/');
    const entry = { file, annotator: annotatorOfStoreFile(rel, header.document), records, recordLines, length: header.length, contentHash: header.contentHash };
    const list = byDocument.get(header.document);
    if (list === undefined) byDocument.set(header.document, [entry]);
    else list.push(entry);
  }
  const documents: TeamDocument[] = [];
  const unplaced: UnplacedLabel[] = [];
  for (const [document, entries] of byDocument) {
    const docPath = await documentInside(root, document, entries[0].file);
    let text: string;
    try {
      text = await readTextInput(docPath, 'The annotated document');
    } catch (e) {
      throw goldFormatError(`the annotated document ${docPath} cannot be read: ${(e as Error).message}`, { file: entries[0].file, line: 1 }, 'Restore the document, or remove its annotation files.');
    }
    const hash = contentHashOf(text);
    const sets: LabelSet[] = [];
    let curated: LabelSet | undefined;
    const names = new Set<string>();
    for (const entry of entries) {
      const records = placeRecords(entry, text, hash, unplaced);
      if (entry.annotator === CURATED_ANNOTATOR) {
        curated = { annotator: CURATED_ANNOTATOR, file: entry.file, records: [...(curated?.records ?? []), ...records] };
        continue;
      }
      const name = uniqueName(entry.annotator ?? sharedFileAnnotator(records), names);
      sets.push({ annotator: name, file: entry.file, records });
    }
    sets.sort((a, b) => (a.annotator < b.annotator ? -1 : a.annotator > b.annotator ? 1 : 0));
    documents.push({ document, path: docPath, text, labelSets: sets, ...(curated === undefined ? {} : { curated }) });
  }
  return { root, documents, unplaced, notRead };
}

interface StoreFile {
  readonly file: string;
  readonly annotator: string | undefined;
  readonly records: readonly AnnotationRecord[];
  readonly recordLines: readonly number[];
  readonly length: number;
  readonly contentHash: string;
}

/**
 * A file's records in the document's current text. Unchanged text: the records as saved, except any whose offsets
 * do not hold its text (out of range, or edited by hand), which are placed again like the records of a changed
 * document: by their text and context (re-anchoring, in memory). A decided label that cannot be placed is flagged
 * for review, as the editor does, so it counts for no one, and is listed in `unplaced` with its file and line.
 */
function placeRecords(entry: StoreFile, text: string, hash: string, unplaced: UnplacedLabel[]): AnnotationRecord[] {
  const same = entry.contentHash === hash;
  const fits = (r: AnnotationRecord): boolean => r.end <= text.length && text.slice(r.start, r.end) === r.text;
  const moving = entry.records.flatMap((r, i) => (same && fits(r) ? [] : [i]));
  if (moving.length === 0) return [...entry.records];
  const placed = reanchorRecords(moving.map((i) => entry.records[i]), text, same ? text.length : entry.length).records;
  const records = [...entry.records];
  moving.forEach((i, k) => {
    const was = entry.records[i];
    const now = placed[k];
    records[i] = now;
    if (now.status === 'needsReview' && was.status !== 'needsReview' && was.status !== 'suggested') {
      const why = same ? `[${was.start}, ${was.end}) does not hold "${was.text}" in the document (edited by hand?); ${now.review?.reason ?? 'it could not be placed'}` : (now.review?.reason ?? 'the document changed and it could not be placed');
      unplaced.push({ file: entry.file, line: entry.recordLines[i] ?? 1, id: was.id, text: was.text, why });
    }
  });
  return records;
}

/** The annotator a shared file's labels are credited to: the one name on its decided records, else "shared". */
function sharedFileAnnotator(records: readonly AnnotationRecord[]): string {
  const names = new Set(records.filter((r) => r.status === 'accepted' || r.status === 'nil' || r.status === 'rejected').map((r) => r.annotator));
  return names.size === 1 ? [...names][0] : 'shared';
}

function uniqueName(name: string, used: Set<string>): string {
  let unique = name;
  for (let n = 2; used.has(unique); n++) unique = `${name}#${n}`;
  used.add(unique);
  return unique;
}
