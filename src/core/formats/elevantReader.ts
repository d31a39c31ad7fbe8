import { readTextInput } from '../inputFile';
import { basename } from 'node:path';
import { CodePointOffsets, hasAstral } from './offsets';
import { type GoldDocument, type GoldMention, type InvalidSpanListener, badSpan, goldFormatError, isRecord, jsonLines, parseJsonLine, spanProblem, stringField } from './goldDocument';

/**
 * elevant benchmark JSONL (ad-freiburg/elevant): one document per line, `labels` with character spans and a
 * Wikidata `entity_id`. Only top-level labels are gold (children of a label are its nested parts). Anything
 * other than a QID ("<NIL>", "Unknown", "<NO_MAPPING>", "DATETIME", null, absent) is NIL: no KB entity to link
 * to; an `entity_id` that is not a string at all (an object, a number) is a malformed record, reported with its
 * line. elevant is Python and slices `text[span[0]:span[1]]`, so spans count Unicode code points: they are
 * converted to UTF-16 (as the NIF reader does), or every mention after an emoji would shift.
 */
const QID = /^Q\d+$/;

export async function readElevantFile(path: string, options: { onInvalidSpan?: InvalidSpanListener } = {}): Promise<GoldDocument[]> {
  return parseElevant(await readTextInput(path, 'The elevant gold file'), path, options);
}

export function parseElevant(jsonl: string, file: string, options: { onInvalidSpan?: InvalidSpanListener } = {}): GoldDocument[] {
  const collection = basename(file).replace(/\.benchmark\.jsonl$|\.jsonl$/, '');
  return jsonLines(jsonl).map(({ line, lineNo }) => {
    const where = { file, line: lineNo };
    const rec = parseJsonLine(line, file, lineNo);
    if (!isRecord(rec)) {
      throw goldFormatError('an elevant document must be a JSON object.', where);
    }
    const text = stringField(rec, 'text', where);
    const id = rec['id'] === undefined ? `${collection}:${lineNo}` : String(rec['id']);
    const labels = rec['labels'];
    if (!Array.isArray(labels)) {
      throw goldFormatError('field "labels" must be an array.', where);
    }
    const mentions: GoldMention[] = [];
    const codePoints = hasAstral(text) ? new CodePointOffsets(text) : undefined;
    for (const label of labels) {
      if (!isRecord(label)) {
        throw goldFormatError(`document ${id}: a label must be a JSON object.`, where);
      }
      if (label['parent'] !== undefined && label['parent'] !== null) {
        continue;
      }
      const mention = toMention(label, text, codePoints, id, where, options.onInvalidSpan);
      if (mention !== undefined) mentions.push(mention);
    }
    return { id, path: file, text, mentions: mentions.sort((a, b) => a.start - b.start), collection };
  });
}

function toMention(label: Record<string, unknown>, text: string, codePoints: CodePointOffsets | undefined, docId: string, where: { file: string; line: number }, onInvalid: InvalidSpanListener | undefined): GoldMention | undefined {
  const span = label['span'];
  const labelId = label['id'] === undefined ? '?' : String(label['id']);
  if (!Array.isArray(span) || span.length !== 2 || typeof span[0] !== 'number' || typeof span[1] !== 'number') {
    throw goldFormatError(`document ${docId}, label ${labelId}: "span" must be [start, end].`, where);
  }
  const [cpStart, cpEnd] = span as [number, number];
  const start = codePoints === undefined ? cpStart : (codePoints.toUtf16(cpStart) ?? Number.NaN);
  const end = codePoints === undefined ? cpEnd : (codePoints.toUtf16(cpEnd) ?? Number.NaN);
  const problem = Number.isNaN(start) || Number.isNaN(end) ? `span [${cpStart}, ${cpEnd}) is outside the text (${codePoints!.length} code points)` : spanProblem(text, start, end, undefined);
  if (problem !== undefined) {
    return badSpan(`document ${docId}, label ${labelId}: ${problem}`, { ...where, record: `${docId}/${labelId}` }, onInvalid);
  }
  const rawId = label['entity_id'];
  if (rawId !== undefined && rawId !== null && typeof rawId !== 'string') {
    throw goldFormatError(`document ${docId}, label ${labelId}: "entity_id" is ${Array.isArray(rawId) ? 'a list' : typeof rawId === 'object' ? 'an object' : `a ${typeof rawId}`}, not a string.`, where, 'Write a Wikidata QID such as "Q42", or "<NIL>" for no entity.');
  }
  const entityId = typeof rawId === 'string' ? rawId : undefined;
  const isEntity = entityId !== undefined && QID.test(entityId);
  const name = typeof label['name'] === 'string' && label['name'] !== 'Unknown' ? label['name'] : undefined;
  return {
    start,
    end,
    text: text.slice(start, end),
    goldIds: isEntity ? [entityId] : [],
    nil: !isEntity,
    goldNames: isEntity && name !== undefined ? [name] : undefined,
    optional: label['optional'] === true ? true : undefined,
    source: { file: where.file, line: where.line, record: `${docId}/${labelId}` },
  };
}
