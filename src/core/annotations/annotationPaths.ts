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
