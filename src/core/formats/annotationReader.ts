import { readFile, readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { type AnnotationRecord, contentHashOf, parseAnnotationFile } from '../annotations/annotationRecord';
import { ANNOTATION_DIR, isAnnotationFileName, workspaceRootOf } from '../annotations/annotationPaths';
import { goldFromRecords } from '../annotations/goldInterchange';
import { reanchorRecords } from '../annotations/reanchor';
import { type GoldDocument, type SkipListener, goldFormatError } from './goldDocument';

/**
 * Reads the annotation store (src/core/annotations) as gold: `.entity-links/<doc path>.jsonl` files, each
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
  const info = await stat(target).catch(() => undefined);
  if (info === undefined) {
    throw goldFormatError('no such file or folder.', { file: target });
  }
  if (!info.isDirectory()) {
    return [await readOne(target, options)];
  }
  const store = path.basename(path.resolve(target)) === ANNOTATION_DIR ? target : path.join(target, ANNOTATION_DIR);
  if (!(await stat(store).catch(() => undefined))?.isDirectory()) {
    throw goldFormatError(`no ${ANNOTATION_DIR} folder here.`, { file: target }, `Pass a workspace folder that holds ${ANNOTATION_DIR}/, that folder itself, or one of its files.`);
  }
  const root = options.workspaceRoot ?? path.dirname(path.resolve(store));
  const files = (await readdir(store, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile() && isAnnotationFileName(e.name))
    .map((e) => path.join(e.parentPath ?? e.path, e.name))
    .sort();
  const docs: GoldDocument[] = [];
  for (const file of files) {
    docs.push(await readOne(file, { ...options, workspaceRoot: root }));
  }
  return docs;
}

async function readOne(file: string, options: AnnotationReadOptions): Promise<GoldDocument> {
  // A corrupt file throws 'annotationCorrupt' with its line; nothing is written or backed up from here.
  const { header, records } = parseAnnotationFile(await readFile(file, 'utf8'), file);
  let documentPath = options.documentPath;
  if (documentPath === undefined) {
    const root = options.workspaceRoot ?? workspaceRootOf(file);
    if (root === undefined) {
      throw goldFormatError(`the file is not inside a ${ANNOTATION_DIR} folder, so its document ${header.document} cannot be found.`, { file, line: 1 }, 'Keep it in <workspace>/.entity-links/ or pass the document path.');
    }
    documentPath = path.join(root, ...header.document.split('/'));
  }
  let text: string;
  try {
    text = await readFile(documentPath, 'utf8');
  } catch (e) {
    throw goldFormatError(`the annotated document ${documentPath} cannot be read: ${(e as Error).message}.`, { file, line: 1 });
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
