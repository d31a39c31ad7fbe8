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
}

/** Reads `<folder>/.entity-links`, or the `.entity-links` folder itself; documents are relative to `workspaceRoot` (default: the folder holding `.entity-links`). */
export async function readTeamStore(target: string, workspaceRoot?: string): Promise<TeamStore> {
  const resolved = path.resolve(target);
  const store = path.basename(resolved) === ANNOTATION_DIR ? resolved : path.join(resolved, ANNOTATION_DIR);
  if (!(await statInput(store, 'The annotation store', 'file-or-folder').catch(() => undefined))?.isDirectory()) {
    throw goldFormatError(`no ${ANNOTATION_DIR} folder here.`, { file: target }, `Pass a workspace folder that holds ${ANNOTATION_DIR}/, or that folder itself.`);
  }
  const root = workspaceRoot ?? path.dirname(store);
  const files = (await readdir(store, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile() && isAnnotationFileName(e.name))
    .map((e) => path.join(e.parentPath ?? e.path, e.name))
    .sort();
  const byDocument = new Map<string, { file: string; annotator: string | undefined; records: AnnotationRecord[]; length: number; contentHash: string }[]>();
  for (const file of files) {
    const { header, records } = parseAnnotationFile(await readTextInput(file, 'The annotation file'), file);
    const rel = path.relative(store, file).split(path.sep).join('/');
    const entry = { file, annotator: annotatorOfStoreFile(rel, header.document), records, length: header.length, contentHash: header.contentHash };
    const list = byDocument.get(header.document);
    if (list === undefined) byDocument.set(header.document, [entry]);
    else list.push(entry);
  }
  const documents: TeamDocument[] = [];
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
      const records = entry.contentHash === hash ? entry.records : reanchorRecords(entry.records, text, entry.length).records;
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
  return { root, documents };
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
