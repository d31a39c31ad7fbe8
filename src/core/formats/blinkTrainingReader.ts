import { readTextInput } from '../inputFile';
import { basename } from 'node:path';
import { type GoldDocument, type GoldMention, type SkipListener, goldFormatError, isRecord, jsonLines, parseJsonLine, stringField } from './goldDocument';

/**
 * BLINK / Zeshel-style training JSONL: one mention per line, `{context_left, mention, context_right, label_id,
 * label_title?, label?, world?}`. The document text is left + mention + right. BLINK's own files cut the
 * contexts at word boundaries without the joining space, so a space is put back where two word characters would
 * otherwise touch; files written by this project's exporter carry `mention_start` and are joined exactly.
 * Records that share a `document_id` and the same text are one document (the exporter's full-context records).
 * A null or absent `label_id` is NIL; `other_ids` are further acceptable ids. `hard_negatives` and other extra
 * fields are ignored here (fine-tuning re-mines negatives with its own weights every epoch).
 */
export interface BlinkReadOptions {
  readonly onSkip?: SkipListener;
}

export async function readBlinkTrainingFile(path: string, options: BlinkReadOptions = {}): Promise<GoldDocument[]> {
  return parseBlinkTraining(await readTextInput(path, 'The BLINK training file'), path, options);
}

const WORD_END = /[\p{L}\p{N}]$/u;
const WORD_START = /^[\p{L}\p{N}]/u;

export function parseBlinkTraining(jsonl: string, file: string, options: BlinkReadOptions = {}): GoldDocument[] {
  const collectionOfFile = basename(file).replace(/\.jsonl?$/, '');
  const docs: { id: string; text: string; collection?: string; mentions: GoldMention[] }[] = [];
  const byKey = new Map<string, (typeof docs)[number]>();
  for (const { line, lineNo } of jsonLines(jsonl)) {
    const where = { file, line: lineNo };
    const rec = parseJsonLine(line, file, lineNo);
    if (!isRecord(rec)) {
      throw goldFormatError('a training record must be a JSON object.', where);
    }
    const left = stringField(rec, 'context_left', where);
    const mention = stringField(rec, 'mention', where);
    const right = stringField(rec, 'context_right', where);
    if (mention === '') {
      options.onSkip?.({ file, line: lineNo }, 'the mention is empty');
      continue;
    }
    const exact = typeof rec['mention_start'] === 'number';
    const leftJoin = !exact && left !== '' && WORD_END.test(left) && WORD_START.test(mention) ? ' ' : '';
    const rightJoin = !exact && right !== '' && WORD_END.test(mention) && WORD_START.test(right) ? ' ' : '';
    const text = `${left}${leftJoin}${mention}${rightJoin}${right}`;
    const start = left.length + leftJoin.length;
    const labelId = rec['label_id'];
    const nil = labelId === null || labelId === undefined || labelId === '' || rec['nil'] === true;
    const title = typeof rec['label_title'] === 'string' && rec['label_title'] !== '' ? rec['label_title'] : undefined;
    const world = typeof rec['world'] === 'string' ? rec['world'] : undefined;
    const docId = typeof rec['document_id'] === 'string' || typeof rec['document_id'] === 'number' ? String(rec['document_id']) : `${collectionOfFile}:${lineNo}`;
    const m: GoldMention = {
      start,
      end: start + mention.length,
      text: mention,
      goldIds: nil ? [] : [String(labelId), ...(Array.isArray(rec['other_ids']) ? rec['other_ids'].map(String) : [])],
      nil,
      ...(nil || title === undefined ? {} : { goldNames: [title] }),
      source: { file, line: lineNo, record: typeof rec['mention_id'] === 'string' ? rec['mention_id'] : `${docId}:${lineNo}` },
    };
    const key = `${docId}\u0000${text}`;
    let doc = byKey.get(key);
    if (doc === undefined) {
      doc = { id: docId, text, mentions: [], ...(world === undefined ? {} : { collection: world }) };
      byKey.set(key, doc);
      docs.push(doc);
    }
    doc.mentions.push(m);
  }
  return docs.map((d) => ({ ...d, path: file, mentions: d.mentions.sort((a, b) => a.start - b.start || a.end - b.end) }));
}
