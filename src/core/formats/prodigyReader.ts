import { readTextInput } from '../inputFile';
import { CodePointOffsets, hasAstral } from './offsets';
import { type GoldDocument, type GoldMention, type InvalidSpanListener, type SkipListener, badSpan, goldFormatError, intField, isRecord, jsonLines, parseJsonLine, spanProblem, stringField } from './goldDocument';

/**
 * Prodigy entity-linking answers: `{text, spans:[{start,end,label,text?}], accept:[kb_id], answer}`. Prodigy's
 * NEL recipe shows one span per task and stores the chosen option id in `accept`; ids starting with "NIL"
 * (the recipe's NIL_otherLink / NIL_ambiguous options) and an empty `accept` mean NIL. Only `answer: "accept"`
 * records are gold; rejected and ignored ones are reported through `onSkip`. A record with several spans links
 * each through its own `kb_id` (spaCy's span attribute) since one `accept` cannot say which span it belongs to.
 * Prodigy is Python, so span offsets count Unicode code points (spaCy's `start_char`): they are converted to
 * UTF-16 as the elevant and NIF readers do, or every span after an emoji would shift by one per emoji.
 */
export interface ProdigyReadOptions {
  readonly onSkip?: SkipListener;
  readonly onInvalidSpan?: InvalidSpanListener;
}

export async function readProdigyFile(path: string, options: ProdigyReadOptions = {}): Promise<GoldDocument[]> {
  return parseProdigy(await readTextInput(path, 'The Prodigy gold file'), path, options);
}

export function isNilOption(id: string): boolean {
  return /^NIL/i.test(id);
}

export function parseProdigy(jsonl: string, file: string, options: ProdigyReadOptions = {}): GoldDocument[] {
  const docs: GoldDocument[] = [];
  for (const { line, lineNo } of jsonLines(jsonl)) {
    const where = { file, line: lineNo };
    const rec = parseJsonLine(line, file, lineNo);
    if (!isRecord(rec)) {
      throw goldFormatError('a Prodigy record must be a JSON object.', where);
    }
    const answer = rec['answer'] ?? 'accept';
    if (answer !== 'accept') {
      options.onSkip?.({ file, line: lineNo }, `answer is ${JSON.stringify(answer)}`);
      continue;
    }
    const text = stringField(rec, 'text', where);
    const spans = rec['spans'];
    if (!Array.isArray(spans)) {
      throw goldFormatError('field "spans" must be an array.', where);
    }
    const accept = rec['accept'] ?? [];
    if (!Array.isArray(accept) || !accept.every((a) => typeof a === 'string')) {
      throw goldFormatError('field "accept" must be an array of ids.', where);
    }
    if (spans.length > 1 && accept.length > 0) {
      throw goldFormatError(`${spans.length} spans share one "accept" list: which span does it link?`, where, 'Give each span its own "kb_id", or one span per record.');
    }
    const mentions: GoldMention[] = [];
    const codePoints = hasAstral(text) ? new CodePointOffsets(text) : undefined;
    spans.forEach((span, i) => {
      if (!isRecord(span)) {
        throw goldFormatError(`span ${i} must be a JSON object.`, where);
      }
      const cpStart = intField(span, 'start', where);
      const cpEnd = intField(span, 'end', where);
      const start = codePoints === undefined ? cpStart : (codePoints.toUtf16(cpStart) ?? Number.NaN);
      const end = codePoints === undefined ? cpEnd : (codePoints.toUtf16(cpEnd) ?? Number.NaN);
      const anchor = typeof span['text'] === 'string' ? span['text'] : undefined;
      const problem = Number.isNaN(start) || Number.isNaN(end) ? `span [${cpStart}, ${cpEnd}) is outside the text (${codePoints!.length} code points)` : spanProblem(text, start, end, anchor);
      if (problem !== undefined) {
        badSpan(`span ${i}: ${problem}`, where, options.onInvalidSpan);
        return;
      }
      const ids = (spans.length === 1 ? (accept as string[]) : typeof span['kb_id'] === 'string' ? [span['kb_id']] : []).filter((id) => id !== '' && !isNilOption(id));
      mentions.push({ start, end, text: text.slice(start, end), goldIds: ids, nil: ids.length === 0, source: { file, line: lineNo } });
    });
    const hash = rec['_task_hash'] ?? rec['_input_hash'];
    docs.push({ id: hash === undefined ? `${lineNo}` : `${lineNo}:${String(hash)}`, path: file, text, mentions });
  }
  return docs;
}
