import * as path from 'node:path';
import type { GoldDocument, GoldMention, SkipListener } from '../formats/goldDocument';
import { LinkerError } from '../errors';
import { type AnnotationRecord, isAnchored } from './annotationRecord';
import { normaliseDocPath } from './annotationPaths';
import type { AnnotationStore } from './annotationStore';
import type { NewAnnotation } from './documentAnnotations';
import { readTextIfExists, writeTextAtomic } from '../atomicFile';

/**
 * Between the store and the gold shape the evaluation reads: import of an existing corpus (NIF, elevant,
 * Prodigy ... anything readGold returns) as accepted annotations, and export of confirmed annotations as gold.
 */

/** The new annotations for one gold document: every gold mention accepted, NIL ones as 'nil'. */
export function annotationsFromGold(doc: GoldDocument, format: string): NewAnnotation[] {
  return doc.mentions.map((m) => ({
    start: m.start,
    end: m.end,
    kbId: m.nil || m.goldIds.length === 0 ? null : m.goldIds[0],
    ...(m.goldNames?.[0] === undefined || m.nil ? {} : { title: m.goldNames[0] }),
    status: m.nil || m.goldIds.length === 0 ? 'nil' : 'accepted',
    candidates: [],
    annotator: `import:${format}`,
    modelVersion: '',
    alternativeIds: m.goldIds.slice(1),
    optional: m.optional === true,
  }));
}

export interface ImportOptions {
  /** The workspace-relative path to store a document under. Default: its `path` when that file in the workspace holds its text, else `imported/<format>/<id>.txt`. */
  readonly pathFor?: (doc: GoldDocument) => string;
}

export interface ImportReport {
  readonly documents: number;
  readonly added: number;
  /** Gold mentions already present with the same span and id. */
  readonly duplicates: number;
  /** Document files written because the corpus held text without a file in the workspace. */
  readonly textsWritten: number;
}

/**
 * Imports gold documents into the store, one undoable step and one save per document. A document without a
 * file in the workspace gets one (its text); an existing file with different text is an error, never replaced.
 */
export async function importGold(store: AnnotationStore, docs: readonly GoldDocument[], format: string, options: ImportOptions = {}): Promise<ImportReport> {
  let added = 0;
  let duplicates = 0;
  let textsWritten = 0;
  const used = new Set<string>();
  for (const gold of docs) {
    const rel = normaliseDocPath(options.pathFor?.(gold) ?? (await defaultPath(store.workspaceRoot, gold, format, used)));
    used.add(rel);
    const abs = path.join(store.workspaceRoot, ...rel.split('/'));
    const existing = await readTextIfExists(abs);
    if (existing === undefined) {
      await writeTextAtomic(abs, gold.text);
      textsWritten++;
    } else if (existing !== gold.text) {
      throw new LinkerError('inputFormat', `${abs} exists with a text other than gold document ${gold.id}; not overwritten.`, { location: { file: abs }, hint: 'Import into an empty folder, or map documents to other paths.' });
    }
    const doc = await store.open(rel, gold.text);
    const have = new Set(doc.records.map((r) => `${r.start}:${r.end}:${r.kbId ?? ''}`));
    const fresh = annotationsFromGold(gold, format).filter((a) => !have.has(`${a.start}:${a.end}:${a.kbId ?? ''}`));
    duplicates += gold.mentions.length - fresh.length;
    if (fresh.length > 0) {
      doc.addMany(fresh);
      added += fresh.length;
    }
    // A document without mentions still gets its (header-only) file: in evaluation it is where false positives show.
    if (doc.dirty || (await readTextIfExists(store.fileFor(rel))) === undefined) await doc.save({ createEmpty: true });
  }
  return { documents: docs.length, added, duplicates, textsWritten };
}

/**
 * Readers set `path` to the corpus file (one file, many documents), so it names the document only when that
 * file inside the workspace holds exactly the document's text; otherwise the text gets a file of its own.
 */
async function defaultPath(root: string, doc: GoldDocument, format: string, used: ReadonlySet<string>): Promise<string> {
  if (doc.path !== undefined) {
    const abs = path.resolve(root, doc.path);
    const rel = path.relative(root, abs);
    if (rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) && (await readTextIfExists(abs)) === doc.text) {
      return rel;
    }
  }
  const safe = doc.id.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_').slice(0, 120) || 'document';
  let rel = `imported/${format}/${safe}.txt`;
  for (let n = 2; used.has(rel); n++) rel = `imported/${format}/${safe}-${n}.txt`;
  return rel;
}

export const GOLD_ANNOTATION_STATUSES = ['accepted', 'nil'] as const;

/**
 * The confirmed annotations of one document as gold: 'accepted' (with a kbId) and 'nil' records. Suggestions,
 * rejections and records needing review are left out through `onSkip`, as is any record not anchored in `text`.
 */
export function goldFromRecords(document: { id: string; path?: string; text: string }, records: readonly AnnotationRecord[], file: string, onSkip?: SkipListener): GoldDocument {
  const mentions: GoldMention[] = [];
  for (const r of records) {
    const source = { file, record: r.id };
    if (r.status !== 'accepted' && r.status !== 'nil') {
      onSkip?.(source, `status is ${r.status}`);
      continue;
    }
    if (!isAnchored(r, document.text)) {
      onSkip?.(source, `its text ${JSON.stringify(r.text)} is not at [${r.start}, ${r.end}) of the document`);
      continue;
    }
    const nil = r.status === 'nil' || r.kbId === null || r.kbId === '';
    // Declared duplicates name the same thing as the label, so predicting one of them is right too.
    const goldIds = nil ? [] : [...new Set([r.kbId as string, ...(r.alternativeIds ?? []), ...(r.duplicateIds ?? [])])];
    mentions.push({
      start: r.start,
      end: r.end,
      text: r.text,
      goldIds,
      nil,
      ...(nil || r.title === undefined ? {} : { goldNames: [r.title] }),
      ...(r.optional === true ? { optional: true } : {}),
      source,
    });
  }
  mentions.sort((a, b) => a.start - b.start || a.end - b.end);
  return { ...document, mentions };
}
