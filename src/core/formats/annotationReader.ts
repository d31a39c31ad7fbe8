import { readdir, realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { type AnnotationRecord, contentHashOf, parseAnnotationFile } from '../annotations/annotationRecord';
import { ANNOTATION_DIR, isAnnotationFileName, normaliseDocPath, workspaceRootOf } from '../annotations/annotationPaths';
import { LinkerError } from '../errors';
import { readTextInput, statInput } from '../inputFile';
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
  const info = await statInput(target, 'The annotation store', 'file-or-folder');
  if (!info.isDirectory()) {
    return [await readOne(target, options)];
  }
  const store = path.basename(path.resolve(target)) === ANNOTATION_DIR ? target : path.join(target, ANNOTATION_DIR);
  if (!(await statInput(store, 'The annotation store', 'file-or-folder').catch(() => undefined))?.isDirectory()) {
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

/**
 * The document a store header names, resolved inside the workspace root. The header is data (a hand-edited or
 * hostile file may say "../../secret/creds.txt" or an absolute path), so a path that leaves the root, lexically
 * or through a symbolic link, is refused: export would otherwise copy that file into its output.
 */
async function documentInside(root: string, document: string, file: string): Promise<string> {
  const refuse = (why: string): never => {
    throw goldFormatError(`the header's document ${JSON.stringify(document)} ${why}; it is not read.`, { file, line: 1 }, 'A store header names its document relative to the workspace root (the folder holding .entity-links).');
  };
  let rel: string;
  try {
    rel = normaliseDocPath(document);
  } catch (e) {
    if (!LinkerError.is(e)) throw e;
    return refuse(path.isAbsolute(document) || /^[A-Za-z]:[\\/]/.test(document) ? 'is an absolute path' : 'is not inside the workspace root');
  }
  const candidate = path.join(root, ...rel.split('/'));
  const [realRoot, realDoc] = await Promise.all([realpath(root).catch(() => path.resolve(root)), realpath(candidate).catch(() => undefined)]);
  if (realDoc !== undefined && realDoc !== realRoot && !realDoc.startsWith(realRoot + path.sep)) {
    refuse(`leads outside the workspace root through a symbolic link (to ${realDoc})`);
  }
  return candidate;
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
