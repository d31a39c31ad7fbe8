import { readTextInput, statInput } from '../inputFile';
import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type GoldDocument, type GoldMention, type InvalidSpanListener, badSpan, goldFormatError, intField, isRecord, jsonLines, parseJsonLine, stringField } from './goldDocument';
import { type TokenSpan, whitespaceTokens } from './offsets';

/**
 * Zeshel (Logeswaran et al. 2019): `mentions/<split>.json` lines point with 0-based inclusive whitespace-token
 * indices into documents of `documents/<world>.json`. Mentions that share a context document become one
 * GoldDocument; the gold id is the label's document_id (the id the Zeshel KB reader gives entities). A mention_id
 * used twice is an error with its line in the mentions file.
 */
export interface ZeshelReadOptions {
  /** The split to read when `path` is the Zeshel root folder (default `val`... then `test`, `train`, whichever exists). */
  readonly split?: string;
  readonly onInvalidSpan?: InvalidSpanListener;
}

interface ZeshelDoc {
  readonly title: string;
  readonly text: string;
}

/** `path`: the Zeshel root folder (with mentions/ and documents/) or a mentions/<split>.json file. */
export async function readZeshel(path: string, options: ZeshelReadOptions = {}): Promise<GoldDocument[]> {
  const mentionsFile = (await statInput(path, 'The Zeshel gold', 'file-or-folder')).isDirectory() ? await pickSplit(path, options.split) : path;
  const root = dirname(dirname(mentionsFile));
  const rows = jsonLines(await readTextInput(mentionsFile, 'The Zeshel mentions file'));
  const worlds = new Map<string, Map<string, ZeshelDoc>>();
  const byContext = new Map<string, { world: string; docId: string; mentions: GoldMention[] }>();
  const tokensByDoc = new Map<string, TokenSpan[]>();
  // The line of each mention_id: a second use is an error (messages and reports name a mention by its id).
  const lineOfId = new Map<string, number>();
  for (const { line, lineNo } of rows) {
    const where = { file: mentionsFile, line: lineNo };
    const rec = parseJsonLine(line, mentionsFile, lineNo);
    if (!isRecord(rec)) {
      throw goldFormatError('a Zeshel mention must be a JSON object.', where);
    }
    const world = stringField(rec, 'corpus', where);
    const contextId = stringField(rec, 'context_document_id', where);
    const first = intField(rec, 'start_index', where);
    const last = intField(rec, 'end_index', where);
    const surface = stringField(rec, 'text', where);
    const label = stringField(rec, 'label_document_id', where);
    const mentionId = typeof rec['mention_id'] === 'string' ? rec['mention_id'] : undefined;
    if (mentionId !== undefined) {
      const firstLine = lineOfId.get(mentionId);
      if (firstLine !== undefined) {
        throw goldFormatError(`mention_id ${mentionId} is used again (first at line ${firstLine}).`, where, 'Give each mention its own mention_id, or remove the repeated line.');
      }
      lineOfId.set(mentionId, lineNo);
    }
    let docs = worlds.get(world);
    if (docs === undefined) {
      docs = await readWorld(root, world, where);
      worlds.set(world, docs);
    }
    const doc = docs.get(contextId);
    if (doc === undefined) {
      throw goldFormatError(`context_document_id ${contextId} is not in documents/${world}.json.`, where);
    }
    let tokens = tokensByDoc.get(contextId);
    if (tokens === undefined) {
      tokens = whitespaceTokens(doc.text);
      tokensByDoc.set(contextId, tokens);
    }
    if (first < 0 || last < first || last >= tokens.length) {
      badSpan(`token range ${first}..${last} is outside document ${contextId} (${tokens.length} tokens)`, { ...where, record: mentionId }, options.onInvalidSpan);
      continue;
    }
    const start = tokens[first].start;
    const end = tokens[last].end;
    const found = doc.text.slice(start, end);
    // Zeshel's `text` joins the tokens with single spaces; the document may hold other whitespace between them.
    if (found !== surface && found.split(/\s+/).join(' ') !== surface) {
      badSpan(`tokens ${first}..${last} of ${contextId} read ${JSON.stringify(found)}, not the mention text ${JSON.stringify(surface)}`, { ...where, record: mentionId }, options.onInvalidSpan);
      continue;
    }
    const entry = byContext.get(contextId) ?? { world, docId: contextId, mentions: [] };
    entry.mentions.push({ start, end, text: found, goldIds: [label], nil: false, source: { file: mentionsFile, line: lineNo, record: mentionId } });
    byContext.set(contextId, entry);
  }
  return [...byContext.values()].map((e) => ({
    id: e.docId,
    path: join(root, 'documents', `${e.world}.json`),
    text: worlds.get(e.world)?.get(e.docId)?.text ?? '',
    mentions: e.mentions.sort((a, b) => a.start - b.start),
    collection: e.world,
  }));
}

async function pickSplit(root: string, split: string | undefined): Promise<string> {
  const names = split !== undefined ? [split] : ['val', 'test', 'train', 'heldout_train_seen', 'heldout_train_unseen'];
  for (const name of names) {
    const file = join(root, 'mentions', `${name}.json`);
    if (await exists(file)) {
      return file;
    }
  }
  throw goldFormatError(`no mentions/${names.join('.json|')}.json in this Zeshel folder.`, { file: root }, 'Pass the mentions file itself or name the split.');
}

async function readWorld(root: string, world: string, where: { file: string; line: number }): Promise<Map<string, ZeshelDoc>> {
  // The corpus names a file in documents/: a path ("../../secrets") would read any .json on the disk as documents
  // and put its text into an export.
  if (/[/\\]/.test(world) || world === '' || world === '.' || world === '..') {
    throw goldFormatError(`the mention's corpus ${JSON.stringify(world)} is not a world name (a file name in documents/ without .json).`, where, 'Zeshel worlds are names such as "lego" or "star_trek"; fix the line.');
  }
  const file = join(root, 'documents', `${world}.json`);
  if (!(await exists(file))) {
    throw goldFormatError(`the mention's corpus "${world}" has no ${file}.`, where, `Zeshel mentions need the documents folder beside mentions/ (${basename(root)}/documents).`);
  }
  const docs = new Map<string, ZeshelDoc>();
  for (const { line, lineNo } of jsonLines(await readTextInput(file, 'The Zeshel documents file'))) {
    const rec = parseJsonLine(line, file, lineNo);
    const docWhere = { file, line: lineNo };
    if (!isRecord(rec)) {
      throw goldFormatError('a Zeshel document must be a JSON object.', docWhere);
    }
    docs.set(stringField(rec, 'document_id', docWhere), { title: typeof rec['title'] === 'string' ? rec['title'] : '', text: stringField(rec, 'text', docWhere) });
  }
  return docs;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
