import * as path from 'node:path';
import { type AnnotationRecord, contentHashOf, parseAnnotationFile } from '../annotations/annotationRecord';
import { ANNOTATION_DIR, workspaceRootOf } from '../annotations/annotationPaths';
import { resolveLabels } from '../agreement/teamLabels';
import { readTeamStore } from '../agreement/teamStore';
import { documentInside } from '../annotations/storeDocument';
import { readTextInput, statInput } from '../inputFile';
import { goldFromRecords } from '../annotations/goldInterchange';
import { reanchorRecords } from '../annotations/reanchor';
import { type GoldDocument, type SkipListener, goldFormatError } from './goldDocument';

/**
 * Reads the annotation store (src/core/annotations) as gold: `.entity-links/<doc path>.jsonl` files (and the
 * annotators' own `@<name>/<doc path>.jsonl` files, merged by agreement/teamLabels.resolveLabels), each
 * naming its document relative to the workspace root (the folder holding `.entity-links`). 'accepted' records
 * are gold links and 'nil' records gold NIL; suggestions, rejections and records needing review are skipped
 * through `onSkip`. When a document changed after its annotations were saved they are re-anchored in memory
 * (never written here), and whatever cannot be placed is skipped with the reason.
 */
export const GOLD_STATUSES = ['accepted', 'nil'] as const;
export const NON_GOLD_STATUSES = ['suggested', 'rejected', 'needsReview'] as const;

/**
 * The suffix goldFormat.ts sniffs by name. Store files end in plain `.jsonl` inside `.entity-links/`, which a
 * suffix cannot tell from other JSON lines: sniffing should use isAnnotationStorePath (annotations/annotationPaths).
 */
export const ANNOTATION_SUFFIX = '.annotations.jsonl';

export interface AnnotationReadOptions {
  /** The workspace root documents are relative to; default: the folder holding the nearest `.entity-links`. */
  readonly workspaceRoot?: string;
  /** For a single file outside any `.entity-links` folder: the annotated document itself. */
  readonly documentPath?: string;
  readonly onSkip?: SkipListener;
}

/** Reads a `.entity-links` folder, a workspace folder holding one, or one annotation file. */
export async function readAnnotationFile(target: string, options: AnnotationReadOptions = {}): Promise<GoldDocument[]> {
  const info = await statInput(target, 'The annotation store', 'file-or-folder');
  if (!info.isDirectory()) {
    return [await readOne(target, options)];
  }
  const store = path.basename(path.resolve(target)) === ANNOTATION_DIR ? target : path.join(target, ANNOTATION_DIR);
  if (!(await statInput(store, 'The annotation store', 'file-or-folder').catch(() => undefined))?.isDirectory()) {
    throw goldFormatError(`no ${ANNOTATION_DIR} folder here.`, { file: target }, `Pass a workspace folder that holds ${ANNOTATION_DIR}/, that folder itself, or one of its files.`);
  }
  // Several annotators' files of one document become one gold document (agreement/teamLabels.resolveLabels).
  const team = await readTeamStore(store, options.workspaceRoot);
  // A decided label the changed document no longer holds for sure is flagged for review: reported here, with its
  // line and why, and not again below as one more record with status needsReview (export's summary counted it twice).
  for (const u of team.unplaced) options.onSkip?.({ file: u.file, line: u.line, record: u.text }, `needs review, the document changed: ${u.why}`);
  const reported = new Set(team.unplaced.map((u) => u.id));
  const onSkip: SkipListener | undefined = options.onSkip && ((source, why) => {
    if (!(why === 'status is needsReview' && source.record !== undefined && reported.has(source.record))) options.onSkip!(source, why);
  });
  for (const file of team.notRead) options.onSkip?.({ file }, 'named like a label file but not a regular file (a folder, link or pipe): not read');
  return team.documents.map((doc) => {
    const { records, unresolved } = resolveLabels(doc);
    const file = doc.labelSets[0]?.file ?? doc.curated?.file ?? store;
    for (const d of unresolved) {
      onSkip?.({ file, record: `${d.start}-${d.end}` }, 'the annotators disagree and it is not curated yet (Curate Disagreements)');
    }
    return goldFromRecords({ id: doc.document, path: doc.path, text: doc.text }, records, file, onSkip);
  });
}

async function readOne(file: string, options: AnnotationReadOptions): Promise<GoldDocument> {
  // A corrupt file throws 'annotationCorrupt' with its line; nothing is written or backed up from here.
  const { header, records } = parseAnnotationFile(await readTextInput(file, 'The annotation file'), file);
  let documentPath = options.documentPath;
  if (documentPath === undefined) {
    const root = options.workspaceRoot ?? workspaceRootOf(file);
    if (root === undefined) {
      throw goldFormatError(`the file is not inside a ${ANNOTATION_DIR} folder, so its document ${header.document} cannot be found.`, { file, line: 1 }, 'Keep it in <workspace>/.entity-links/ or pass the document path.');
    }
    documentPath = await documentInside(root, header.document, file);
  }
  let text: string;
  try {
    text = await readTextInput(documentPath, 'The annotated document');
  } catch (e) {
    throw goldFormatError(`the annotated document ${documentPath} cannot be read: ${(e as Error).message}`, { file, line: 1 });
  }
  return annotationsAsGold(records, file, { id: header.document, path: documentPath, text }, header.contentHash === contentHashOf(text) ? undefined : header.length, options.onSkip);
}

/** Parses one store file's content against its document's text (the testable core of the reader). */
export function parseAnnotations(jsonl: string, file: string, document: { id: string; path?: string; text: string }, onSkip?: SkipListener): GoldDocument {
  const { header, records } = parseAnnotationFile(jsonl, file);
  return annotationsAsGold(records, file, document, header.contentHash === contentHashOf(document.text) ? undefined : header.length, onSkip);
}

function annotationsAsGold(records: AnnotationRecord[], file: string, document: { id: string; path?: string; text: string }, staleLength: number | undefined, onSkip?: SkipListener): GoldDocument {
  const placed = staleLength === undefined ? records : reanchorRecords(records, document.text, staleLength).records;
  return goldFromRecords(document, placed, file, onSkip);
}
