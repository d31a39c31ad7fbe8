import * as path from 'node:path';
import { LinkerError } from '../errors';

/**
 * Where a document's annotations live: `<workspace>/.entity-links/<relative doc path>.jsonl`, mirroring the
 * workspace tree. A mirrored tree (rather than one flat folder of encoded names) keeps the files readable and
 * findable by hand, lets a `.gitignore` or a review cover a sub-tree, and moves with `git mv` of a folder. The
 * `.jsonl` suffix is appended (never substituted) so `a.md` and `a.txt` cannot share a file. The one clash it
 * allows, a document `x` beside a folder `x.jsonl/`, is reported as an error rather than resolved silently.
 */
export const ANNOTATION_DIR = '.entity-links';
export const ANNOTATION_FILE_SUFFIX = '.jsonl';

/** Normalises a workspace-relative document path to '/' separators and refuses paths that leave the workspace. */
export function normaliseDocPath(relPath: string): string {
  const posix = relPath.split(path.sep).join('/').replace(/\\/g, '/');
  const normal = path.posix.normalize(posix);
  if (normal === '.' || normal === '' || normal.startsWith('../') || normal === '..' || path.posix.isAbsolute(normal)) {
    throw new LinkerError('usage', `the document path ${JSON.stringify(relPath)} is not inside the workspace.`, { hint: 'Pass a path relative to the workspace root.' });
  }
  if (normal.split('/')[0] === ANNOTATION_DIR) {
    throw new LinkerError('usage', `${relPath} is inside ${ANNOTATION_DIR}/: annotation files are not annotated themselves.`);
  }
  return normal;
}

/** The annotation file of a document, given the workspace root and the document's relative path. */
export function annotationFileFor(workspaceRoot: string, docRelPath: string): string {
  const rel = normaliseDocPath(docRelPath);
  return path.join(workspaceRoot, ANNOTATION_DIR, ...rel.split('/')) + ANNOTATION_FILE_SUFFIX;
}

/** The workspace root an annotation file belongs to: the folder holding the nearest `.entity-links` above it. */
export function workspaceRootOf(annotationFile: string): string | undefined {
  let dir = path.dirname(path.resolve(annotationFile));
  for (;;) {
    if (path.basename(dir) === ANNOTATION_DIR) {
      return path.dirname(dir);
    }
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** Whether a bare file name is a store file (not a temp file, nor a backup, nor a hidden file). */
export function isAnnotationFileName(name: string): boolean {
  return name.endsWith(ANNOTATION_FILE_SUFFIX) && !name.startsWith('.');
}

/** True for paths the annotation reader should take: a `.entity-links` folder, a file in one, or a root holding one. */
export function isAnnotationStorePath(p: string): boolean {
  return path.resolve(p).split(path.sep).includes(ANNOTATION_DIR);
}

/**
 * Team annotation: each annotator's labels of a document live in a file of their own,
 * `<workspace>/.entity-links/@<annotator>/<relative doc path>.jsonl`, so two annotators' commits never touch the
 * same file and a git merge never conflicts. The curator's decisions are the annotator `curated`. The shared
 * file `.entity-links/<doc path>.jsonl` (the only layout before teams) is read as one more annotator's labels.
 */
export const ANNOTATOR_FOLDER_PREFIX = '@';
export const CURATED_ANNOTATOR = 'curated';
const ANNOTATOR_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Refuses an annotator name that cannot be a folder name on every OS (or is the curator's). */
export function checkAnnotatorName(name: string, where: string, options: { allowCurated?: boolean } = {}): string {
  if (!ANNOTATOR_NAME.test(name)) {
    throw new LinkerError('usage', `${where}: the annotator name ${JSON.stringify(name)} is not usable as a folder name.`, { hint: 'Use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit.' });
  }
  if (name === CURATED_ANNOTATOR && options.allowCurated !== true) {
    throw new LinkerError('usage', `${where}: "${CURATED_ANNOTATOR}" is reserved for curated labels.`, { hint: 'Choose another annotator name.' });
  }
  return name;
}

/** An OS user name made usable as an annotator name (characters outside the allowed set become "-"). */
export function annotatorFromUserName(userName: string): string {
  const cleaned = userName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64);
  return cleaned === '' || cleaned === CURATED_ANNOTATOR ? 'user' : cleaned;
}

/** An annotator's own file of a document: `<workspace>/.entity-links/@<annotator>/<doc path>.jsonl`. */
export function annotatorFileFor(workspaceRoot: string, annotator: string, docRelPath: string): string {
  const rel = normaliseDocPath(docRelPath);
  return path.join(workspaceRoot, ANNOTATION_DIR, ANNOTATOR_FOLDER_PREFIX + annotator, ...rel.split('/')) + ANNOTATION_FILE_SUFFIX;
}

/**
 * Whose file a store file is, from its path relative to `.entity-links/` ('/'-separated) and the document its
 * header names: an annotator's own file sits under `@<name>/`; anything else is the shared file. A document that
 * itself lies in a workspace folder named `@x` keeps its shared file at `@x/...`, recognised by the header.
 */
export function annotatorOfStoreFile(relInStore: string, headerDocument: string): string | undefined {
  const segments = relInStore.split('/');
  const first = segments[0];
  if (segments.length < 2 || !first.startsWith(ANNOTATOR_FOLDER_PREFIX)) return undefined;
  const docPath = relInStore.endsWith(ANNOTATION_FILE_SUFFIX) ? relInStore.slice(0, -ANNOTATION_FILE_SUFFIX.length) : relInStore;
  if (docPath === headerDocument) return undefined;
  const name = first.slice(ANNOTATOR_FOLDER_PREFIX.length);
  return ANNOTATOR_NAME.test(name) ? name : undefined;
}
