import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { LinkerError } from '../errors';
import { goldFormatError } from '../formats/goldDocument';
import { normaliseDocPath } from './annotationPaths';

/**
 * The document a store header names, resolved inside the workspace root. The header is data (a hand-edited or
 * hostile file may say "../../secret/creds.txt" or an absolute path), so a path that leaves the root, lexically
 * or through a symbolic link, is refused: export would otherwise copy that file into its output.
 */
export async function documentInside(root: string, document: string, file: string): Promise<string> {
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
