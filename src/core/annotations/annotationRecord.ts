import { createHash } from 'node:crypto';
import { LinkerError } from '../errors';

/**
 * The on-disk shape of the annotation store: one JSONL file per document, a header line, then one line per
 * annotation sorted by span. Keys are written in a fixed order so a file diffs cleanly under version control.
 */

export const ANNOTATION_FORMAT_VERSION = 1;

/** Characters of context kept on each side of a mention, to find it again after the document changed. */
export const CONTEXT_CHARS = 32;

export const ANNOTATION_STATUSES = ['suggested', 'accepted', 'rejected', 'nil', 'needsReview'] as const;
export type AnnotationStatus = (typeof ANNOTATION_STATUSES)[number];

export interface StoredCandidate {
  readonly id: string;
  readonly title: string;
  readonly score: number;
}

/** Why a record needs review, and what it was before, so accepting it again is one step. */
export interface ReviewNote {
  readonly reason: string;
  readonly previousStatus: Exclude<AnnotationStatus, 'needsReview'>;
}

export interface AnnotationRecord {
  /** Stable id (a uuid); survives edits, re-anchoring and undo. */
  readonly id: string;
  /** UTF-16 offsets, end exclusive. */
  readonly start: number;
  readonly end: number;
  /**
   * The mention's surface text. Equal to the document slice [start, end) for every anchored record; a record
   * that could not be re-anchored (or whose text was deleted) keeps its old text here, which is what marks it
   * unanchored.
   */
  readonly text: string;
  readonly kbId: string | null;
  readonly title?: string;
  readonly status: AnnotationStatus;
  /** The candidate list as the annotator saw it, best first. */
  readonly candidates: readonly StoredCandidate[];
  readonly annotator: string;
  /** ISO time of the last decision on this record. */
  readonly time: string;
  readonly modelVersion: string;
  readonly context: { readonly before: string; readonly after: string };
  /** Further acceptable gold ids (imported corpora with several correct answers). */
  readonly alternativeIds?: readonly string[];
  /** The source marks the label optional (elevant): missing it is no error in evaluation. */
  readonly optional?: boolean;
  readonly review?: ReviewNote;
  /**
   * Entities the annotator declared duplicates of the label (the same thing twice in the KB): training never
   * uses them as negatives for this mention, and evaluation counts them as the label.
   */
  readonly duplicateIds?: readonly string[];
  /**
   * Fields this build does not know (added by hand, or by a later minor revision of version 1), kept and
   * written back after the known ones so that a save never drops what someone put in the file.
   */
  readonly extra?: Readonly<Record<string, unknown>>;
}

const KNOWN_RECORD_KEYS = new Set(['kind', 'id', 'start', 'end', 'text', 'kbId', 'title', 'status', 'candidates', 'annotator', 'time', 'modelVersion', 'context', 'alternativeIds', 'optional', 'review', 'duplicateIds']);

export interface AnnotationHeader {
  readonly kind: 'header';
  readonly version: number;
  /** The document's path relative to the workspace root, with '/' separators. */
  readonly document: string;
  /** sha256 (hex) of the document text (UTF-8) when the file was saved. */
  readonly contentHash: string;
  /** Length of that text in UTF-16 code units. */
  readonly length: number;
}

export interface ParsedAnnotationFile {
  readonly header: AnnotationHeader;
  readonly records: AnnotationRecord[];
  /** The 1-based line of each record in the file (so a reader's later check can name it). */
  readonly recordLines: readonly number[];
}

export function contentHashOf(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function headerFor(document: string, text: string): AnnotationHeader {
  return { kind: 'header', version: ANNOTATION_FORMAT_VERSION, document, contentHash: contentHashOf(text), length: text.length };
}

export function compareRecords(a: AnnotationRecord, b: AnnotationRecord): number {
  return a.start - b.start || a.end - b.end || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Serialises header and records, records sorted, every object's keys in a fixed order; ends with a newline. */
export function serializeAnnotationFile(header: AnnotationHeader, records: readonly AnnotationRecord[]): string {
  const lines = [JSON.stringify({ kind: 'header', version: header.version, document: header.document, contentHash: header.contentHash, length: header.length })];
  for (const r of [...records].sort(compareRecords)) {
    lines.push(JSON.stringify(orderedRecord(r)));
  }
  return lines.join('\n') + '\n';
}

function orderedRecord(r: AnnotationRecord): Record<string, unknown> {
  // Optional keys are left out rather than written as null, so old files and new ones diff only where they differ.
  const out: Record<string, unknown> = { kind: 'annotation', id: r.id, start: r.start, end: r.end, text: r.text, kbId: r.kbId };
  if (r.title !== undefined) out['title'] = r.title;
  out['status'] = r.status;
  out['candidates'] = r.candidates.map((c) => ({ id: c.id, title: c.title, score: c.score }));
  out['annotator'] = r.annotator;
  out['time'] = r.time;
  out['modelVersion'] = r.modelVersion;
  out['context'] = { before: r.context.before, after: r.context.after };
  if (r.alternativeIds !== undefined && r.alternativeIds.length > 0) out['alternativeIds'] = [...r.alternativeIds];
  if (r.optional === true) out['optional'] = true;
  if (r.review !== undefined) out['review'] = { reason: r.review.reason, previousStatus: r.review.previousStatus };
  if (r.duplicateIds !== undefined && r.duplicateIds.length > 0) out['duplicateIds'] = [...r.duplicateIds];
  if (r.extra !== undefined) {
    for (const key of Object.keys(r.extra).sort()) {
      // defineProperty, not assignment: `out["__proto__"] = v` would set the prototype and drop the field.
      if (!KNOWN_RECORD_KEYS.has(key)) Object.defineProperty(out, key, { value: r.extra[key], enumerable: true, writable: true, configurable: true });
    }
  }
  return out;
}

export function corruptError(file: string, line: number | undefined, message: string, hint?: string): LinkerError {
  return new LinkerError('annotationCorrupt', message, {
    location: { file, line },
    // No claim of a backup here: readers (export, eval) make none; the store names its backup when it makes one.
    hint: hint ?? 'The file was left as it is; fix or remove that line, then reopen the document.',
  });
}

/**
 * Parses a whole annotation file. Any defect (bad JSON, missing or unknown-version header, a malformed record)
 * is an `annotationCorrupt` LinkerError naming the file and 1-based line: a partial read would let a later save
 * overwrite what could not be read.
 */
export function parseAnnotationFile(content: string, file: string): ParsedAnnotationFile {
  const lines = content.split('\n');
  let header: AnnotationHeader | undefined;
  const records: AnnotationRecord[] = [];
  const recordLines: number[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (raw.trim() === '') continue;
    const lineNo = i + 1;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw corruptError(file, lineNo, `not valid JSON: ${(e as Error).message}.`);
    }
    if (!isObject(value)) throw corruptError(file, lineNo, 'each line must be a JSON object.');
    if (header === undefined) {
      header = parseHeader(value, file, lineNo);
      continue;
    }
    if (value['kind'] !== 'annotation') {
      throw corruptError(file, lineNo, `unknown record kind ${JSON.stringify(value['kind'])} (expected "annotation").`);
    }
    const record = parseRecord(value, file, lineNo);
    if (seen.has(record.id)) throw corruptError(file, lineNo, `duplicate annotation id ${JSON.stringify(record.id)}.`);
    seen.add(record.id);
    records.push(record);
    recordLines.push(lineNo);
  }
  if (header === undefined) throw corruptError(file, 1, 'the file has no header line.');
  return { header, records, recordLines };
}

function parseHeader(v: Record<string, unknown>, file: string, line: number): AnnotationHeader {
  if (v['kind'] !== 'header') {
    throw corruptError(file, line, 'the first line must be the header {"kind":"header",...}.');
  }
  if (v['version'] !== ANNOTATION_FORMAT_VERSION) {
    throw corruptError(file, line, `unknown annotation file version ${JSON.stringify(v['version'])} (this build reads version ${ANNOTATION_FORMAT_VERSION}).`, 'A newer Entity Linker may have written it: update the extension. The file was left untouched.');
  }
  const document = v['document'];
  const contentHash = v['contentHash'];
  const length = v['length'];
  if (typeof document !== 'string' || document === '') throw corruptError(file, line, 'header field "document" must be a non-empty string.');
  if (typeof contentHash !== 'string' || !/^[0-9a-f]{64}$/.test(contentHash)) throw corruptError(file, line, 'header field "contentHash" must be a sha256 hex digest.');
  if (!isCount(length)) throw corruptError(file, line, 'header field "length" must be a non-negative integer.');
  return { kind: 'header', version: ANNOTATION_FORMAT_VERSION, document, contentHash, length };
}

function parseRecord(v: Record<string, unknown>, file: string, line: number): AnnotationRecord {
  const bad = (field: string, what: string): never => {
    throw corruptError(file, line, `annotation field "${field}" must be ${what}.`);
  };
  const str = (field: string): string => (typeof v[field] === 'string' ? (v[field] as string) : bad(field, 'a string'));
  const id = str('id');
  const start = isCount(v['start']) ? v['start'] : bad('start', 'a non-negative integer');
  const end = isCount(v['end']) ? v['end'] : bad('end', 'a non-negative integer');
  if (end < start) bad('end', 'at least "start"');
  const kbId = v['kbId'] === null || typeof v['kbId'] === 'string' ? v['kbId'] : bad('kbId', 'a string or null');
  const status = str('status');
  if (!(ANNOTATION_STATUSES as readonly string[]).includes(status)) bad('status', `one of ${ANNOTATION_STATUSES.join(', ')}`);
  const candidatesRaw = Array.isArray(v['candidates']) ? v['candidates'] : bad('candidates', 'an array');
  const candidates = candidatesRaw.map((c): StoredCandidate => {
    if (!isObject(c) || typeof c['id'] !== 'string' || typeof c['title'] !== 'string' || typeof c['score'] !== 'number') {
      return bad('candidates', 'a list of {id, title, score}');
    }
    return { id: c['id'], title: c['title'], score: c['score'] };
  });
  const context = isObject(v['context']) && typeof v['context']['before'] === 'string' && typeof v['context']['after'] === 'string'
    ? { before: v['context']['before'], after: v['context']['after'] }
    : bad('context', 'an object {before, after} of strings');
  const record: { -readonly [K in keyof AnnotationRecord]: AnnotationRecord[K] } = {
    id, start, end, text: str('text'), kbId, status: status as AnnotationStatus, candidates,
    annotator: str('annotator'), time: str('time'), modelVersion: str('modelVersion'), context,
  };
  if (v['title'] !== undefined) record.title = str('title');
  if (v['alternativeIds'] !== undefined) {
    const alt = v['alternativeIds'];
    record.alternativeIds = Array.isArray(alt) && alt.every((a) => typeof a === 'string') ? (alt as string[]) : bad('alternativeIds', 'a list of strings');
  }
  if (v['duplicateIds'] !== undefined) {
    const dup = v['duplicateIds'];
    record.duplicateIds = Array.isArray(dup) && dup.every((a) => typeof a === 'string') ? (dup as string[]) : bad('duplicateIds', 'a list of strings');
  }
  if (v['optional'] !== undefined) record.optional = v['optional'] === true ? true : bad('optional', 'true when present');
  if (v['review'] !== undefined) {
    const r = v['review'];
    if (!isObject(r) || typeof r['reason'] !== 'string' || typeof r['previousStatus'] !== 'string' || !(ANNOTATION_STATUSES as readonly string[]).includes(r['previousStatus']) || r['previousStatus'] === 'needsReview') {
      bad('review', 'an object {reason, previousStatus}');
    } else {
      record.review = { reason: r['reason'], previousStatus: r['previousStatus'] as ReviewNote['previousStatus'] };
    }
  }
  const unknown = Object.keys(v).filter((k) => !KNOWN_RECORD_KEYS.has(k));
  if (unknown.length > 0) record.extra = Object.fromEntries(unknown.map((k) => [k, v[k]]));
  return record;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/** The text around [start, end) in `text`, as stored for re-anchoring. */
export function contextAround(text: string, start: number, end: number): { before: string; after: string } {
  return { before: text.slice(Math.max(0, start - CONTEXT_CHARS), start), after: text.slice(end, end + CONTEXT_CHARS) };
}

/** A record is anchored when its stored text is what the document holds at its span. */
export function isAnchored(record: AnnotationRecord, text: string): boolean {
  return record.end > record.start && record.end <= text.length && text.slice(record.start, record.end) === record.text;
}

/** Flags a record for review, remembering the status it had (an already flagged record keeps its first one). */
export function flagForReview(record: AnnotationRecord, reason: string): AnnotationRecord {
  const previousStatus = record.status === 'needsReview' ? (record.review?.previousStatus ?? 'suggested') : record.status;
  return { ...record, status: 'needsReview', review: { reason, previousStatus } };
}
