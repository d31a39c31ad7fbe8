import { readFile } from 'node:fs/promises';
import { type GoldDocument, type GoldMention, type SkipListener, goldFormatError, intField, isRecord, jsonLines, parseJsonLine, spanProblem, stringField } from './goldDocument';

/**
 * PROVISIONAL: the project's own annotation files are not specified yet. This reader assumes one JSONL file per
 * document, `<document>.annotations.jsonl` beside the document, one record per mention:
 *   {"start": 0, "end": 5, "text": "Steve", "kbId": "Q42" | null, "status": "accepted"}
 * `accepted` and `corrected` records are gold (kbId null = NIL), `nil` is gold NIL; `rejected`, `pending` and
 * `suggested` are model output nobody confirmed and are skipped through `onSkip`. Change it here when the
 * annotation store settles its format.
 */
export const GOLD_STATUSES = ['accepted', 'corrected', 'nil'] as const;
export const NON_GOLD_STATUSES = ['rejected', 'pending', 'suggested'] as const;

export const ANNOTATION_SUFFIX = '.annotations.jsonl';

export interface AnnotationReadOptions {
  /** The annotated document; default: the annotation path without `.annotations.jsonl`. */
  readonly documentPath?: string;
  readonly onSkip?: SkipListener;
}

export async function readAnnotationFile(path: string, options: AnnotationReadOptions = {}): Promise<GoldDocument[]> {
  const documentPath = options.documentPath ?? (path.endsWith(ANNOTATION_SUFFIX) ? path.slice(0, -ANNOTATION_SUFFIX.length) : undefined);
  if (documentPath === undefined) {
    throw goldFormatError(`cannot tell which document these annotations belong to.`, { file: path }, `Name the file <document>${ANNOTATION_SUFFIX} or pass the document path.`);
  }
  let text: string;
  try {
    text = await readFile(documentPath, 'utf8');
  } catch (e) {
    throw goldFormatError(`the annotated document ${documentPath} cannot be read: ${(e as Error).message}.`, { file: path });
  }
  return [parseAnnotations(await readFile(path, 'utf8'), path, { id: documentPath, path: documentPath, text }, options.onSkip)];
}

export function parseAnnotations(jsonl: string, file: string, document: { id: string; path?: string; text: string }, onSkip?: SkipListener): GoldDocument {
  const mentions: GoldMention[] = [];
  for (const { line, lineNo } of jsonLines(jsonl)) {
    const where = { file, line: lineNo };
    const rec = parseJsonLine(line, file, lineNo);
    if (!isRecord(rec)) {
      throw goldFormatError('an annotation must be a JSON object.', where);
    }
    const status = stringField(rec, 'status', where);
    if ((NON_GOLD_STATUSES as readonly string[]).includes(status)) {
      onSkip?.(where, `status is ${status}`);
      continue;
    }
    if (!(GOLD_STATUSES as readonly string[]).includes(status)) {
      throw goldFormatError(`unknown status ${JSON.stringify(status)}.`, where, `Use one of ${[...GOLD_STATUSES, ...NON_GOLD_STATUSES].join(', ')}.`);
    }
    const start = intField(rec, 'start', where);
    const end = intField(rec, 'end', where);
    const problem = spanProblem(document.text, start, end, typeof rec['text'] === 'string' ? rec['text'] : undefined);
    if (problem !== undefined) {
      throw goldFormatError(`${problem}.`, where, 'The document changed after it was annotated, or the offsets are not UTF-16.');
    }
    const kbId = rec['kbId'];
    if (kbId !== null && kbId !== undefined && typeof kbId !== 'string') {
      throw goldFormatError('field "kbId" must be a string or null.', where);
    }
    const ids = status === 'nil' || typeof kbId !== 'string' || kbId === '' ? [] : [kbId];
    mentions.push({ start, end, text: document.text.slice(start, end), goldIds: ids, nil: ids.length === 0, source: { file, line: lineNo } });
  }
  return { ...document, mentions: mentions.sort((a, b) => a.start - b.start) };
}
