import * as path from 'node:path';
import type { Entity, KbFormat } from './entity';
import type { KbReadOptions, SkippedRecord } from './kbReadOptions';
import type { KbSourceSpec } from './sniffFormat';
import type { Logger, ProgressListener } from '../log';
import { KnowledgeBase } from './knowledgeBase';
import { readBlinkKb, readJsonlKb, readZeshelKb } from './jsonLineReaders';
import { readBratKb } from './bratReader';
import { readDelimitedKb } from './delimitedReader';
import { readSparqlJsonKb } from './sparqlJsonReader';
import { readWordNetKb } from './wordnetReader';
import { sniffFormat } from './sniffFormat';
import { silentLogger } from '../log';
import { LinkerError, throwIfAborted } from '../errors';

export interface KbLoadOptions {
  /** Stop at the first bad record (default true); false skips bad records and lists them in the report. */
  readonly strict?: boolean;
  readonly logger?: Logger;
  readonly onProgress?: ProgressListener;
  readonly signal?: AbortSignal;
  /** The KB's name; default the first source's file name. */
  readonly name?: string;
  /** Descriptions longer than this (in UTF-16 units) are truncated and reported. Default 100,000. */
  readonly maxTextChars?: number;
  /** Keep "file:line" on each entity (default true). */
  readonly sourceLocations?: boolean;
}

export type KbIssueKind = 'duplicateId' | 'emptyTitle' | 'truncatedText';

export interface KbIssue {
  readonly kind: KbIssueKind;
  readonly id: string;
  readonly source?: string;
  readonly detail: string;
}

export interface KbSourceReport {
  readonly path: string;
  readonly format: KbFormat;
  /** Records read (before merging). */
  records: number;
  /** Every record a lenient load skipped, with its line and reason. */
  readonly skipped: SkippedRecord[];
  duplicateIds: number;
  emptyTitles: number;
  truncatedTexts: number;
  /** The first issues of each kind (counts above are complete). */
  readonly issues: KbIssue[];
  ms: number;
}

export interface KbLoadReport {
  readonly sources: KbSourceReport[];
  /** Entities in the KB after merging. */
  entities: number;
  /** Ids that more than one source contributed to (merged into one entity). */
  mergedIds: number;
  /** Skipped records over all sources. */
  skipped: number;
  ms: number;
}

export const DEFAULT_MAX_TEXT_CHARS = 100_000;
const ISSUES_KEPT_PER_KIND = 50;
const LOGGED_PER_KIND = 10;

/** The reader for a format, as one async stream of entities. */
export function readKbSource(spec: KbSourceSpec & { format: KbFormat }, options: KbReadOptions): AsyncGenerator<Entity> {
  const o: KbReadOptions = { ...options, columns: spec.columns ?? options.columns, header: spec.header ?? options.header, pos: spec.pos ?? options.pos, lang: spec.lang ?? options.lang };
  switch (spec.format) {
    case 'jsonl':
      return readJsonlKb(spec.path, o);
    case 'zeshel':
      return readZeshelKb(spec.path, o);
    case 'blink':
      return readBlinkKb(spec.path, o);
    case 'brat':
      return readBratKb(spec.path, o);
    case 'sparql-json':
      return readSparqlJsonKb(spec.path, o);
    case 'csv':
      return readDelimitedKb(spec.path, ',', o);
    case 'tsv':
      return readDelimitedKb(spec.path, '\t', o);
    case 'wordnet':
      return readWordNetKb(spec.path, o);
  }
}

/** Cuts at `max` without splitting a surrogate pair. */
function truncate(text: string, max: number): string {
  const cut = text.charCodeAt(max - 1) >= 0xd800 && text.charCodeAt(max - 1) <= 0xdbff ? max - 1 : max;
  return text.slice(0, cut);
}

/** Same id twice: first non-empty title wins (a different later title becomes an alias), longest text, aliases unioned, first type. */
export function mergeEntities(kept: Entity, extra: Entity): Entity {
  const title = kept.title !== '' ? kept.title : extra.title;
  const aliases = [...kept.aliases];
  for (const a of [extra.title, ...extra.aliases]) if (a !== '' && a !== title && !aliases.includes(a)) aliases.push(a);
  const merged: { id: string; title: string; text: string; aliases: string[]; type?: string; source?: string } = {
    id: kept.id,
    title,
    text: extra.text.length > kept.text.length ? extra.text : kept.text,
    aliases: aliases.filter((a) => a !== title),
  };
  const type = kept.type ?? extra.type;
  if (type !== undefined) merged.type = type;
  if (kept.source !== undefined) merged.source = kept.source;
  return merged;
}

/**
 * Reads every source in order into one KB. Entities keep the order they were first seen in; an id seen
 * again (in the same source: reported as a duplicate; in a later one: counted as merged) folds into the
 * first by `mergeEntities`. Only one record per id is ever held, and readers keep no raw lines.
 */
export async function loadKnowledgeBase(sources: readonly KbSourceSpec[], options: KbLoadOptions = {}): Promise<{ kb: KnowledgeBase; report: KbLoadReport }> {
  const started = Date.now();
  const logger = options.logger ?? silentLogger;
  const maxText = options.maxTextChars ?? DEFAULT_MAX_TEXT_CHARS;
  const entities: Entity[] = [];
  const rowById = new Map<string, number>();
  // The source index that last wrote each row, and where that source first had the id: tells same-source
  // duplicates from cross-source merges, and lets a duplicate cite the first line in its own source.
  const sourceOfRow: number[] = [];
  const firstInSource: (string | undefined)[] = [];
  const mergedRows = new Set<number>();
  const report: KbLoadReport = { sources: [], entities: 0, mergedIds: 0, skipped: 0, ms: 0 };

  for (let s = 0; s < sources.length; s++) {
    throwIfAborted(options.signal);
    const spec = sources[s];
    const format = spec.format ?? (await sniffFormat(spec.path));
    const sourceStarted = Date.now();
    const sr: KbSourceReport = { path: spec.path, format, records: 0, skipped: [], duplicateIds: 0, emptyTitles: 0, truncatedTexts: 0, issues: [], ms: 0 };
    report.sources.push(sr);
    const counts: Record<KbIssueKind, number> = { duplicateId: 0, emptyTitle: 0, truncatedText: 0 };
    const issue = (i: KbIssue): void => {
      const n = ++counts[i.kind];
      if (n <= ISSUES_KEPT_PER_KIND) sr.issues.push(i);
      if (n <= LOGGED_PER_KIND) logger.warn(`${i.source ?? spec.path}: ${i.detail}`);
    };
    logger.info(`Reading KB source ${spec.path} as ${format}.`);
    const reader = readKbSource({ ...spec, format }, {
      strict: options.strict ?? true,
      signal: options.signal,
      onProgress: options.onProgress,
      sourceLocations: options.sourceLocations,
      onSkip: (skip) => {
        sr.skipped.push(skip);
        if (sr.skipped.length <= LOGGED_PER_KIND) logger.warn(`${skip.file}${skip.line > 0 ? `:${skip.line}` : ''}: skipped: ${skip.reason}`);
      },
    });
    for await (let e of reader) {
      sr.records++;
      if (e.text.length > maxText) {
        issue({ kind: 'truncatedText', id: e.id, source: e.source, detail: `description of ${e.id} has ${e.text.length} characters; truncated to ${maxText}.` });
        e = { ...e, text: truncate(e.text, maxText) };
      }
      if (e.title.trim() === '') {
        issue({ kind: 'emptyTitle', id: e.id, source: e.source, detail: `entity ${e.id} has an empty title.` });
      }
      const row = rowById.get(e.id);
      if (row === undefined) {
        rowById.set(e.id, entities.length);
        sourceOfRow.push(s);
        firstInSource.push(e.source);
        entities.push(e);
        continue;
      }
      if (sourceOfRow[row] === s) {
        issue({ kind: 'duplicateId', id: e.id, source: e.source, detail: `id ${e.id} appears again in this source (first at ${firstInSource[row] ?? 'an earlier line'}); merged.` });
      } else {
        mergedRows.add(row);
        sourceOfRow[row] = s;
        firstInSource[row] = e.source;
      }
      entities[row] = mergeEntities(entities[row], e);
    }
    sr.duplicateIds = counts.duplicateId;
    sr.emptyTitles = counts.emptyTitle;
    sr.truncatedTexts = counts.truncatedText;
    sr.ms = Date.now() - sourceStarted;
    report.skipped += sr.skipped.length;
    for (const kind of Object.keys(counts) as KbIssueKind[]) {
      if (counts[kind] > LOGGED_PER_KIND) logger.warn(`${spec.path}: ${counts[kind]} ${kind} issues in all (the first ${LOGGED_PER_KIND} shown).`);
    }
    if (sr.skipped.length > LOGGED_PER_KIND) logger.warn(`${spec.path}: ${sr.skipped.length} records skipped in all (the first ${LOGGED_PER_KIND} shown).`);
    logger.info(`${spec.path}: ${sr.records} records, ${sr.skipped.length} skipped, in ${sr.ms} ms.`);
  }

  if (entities.length === 0) {
    const records = report.sources.reduce((n, sr) => n + sr.records, 0);
    throw new LinkerError('inputFormat', `The KB is empty: ${sources.length === 0 ? 'no source was given' : `no entity in ${sources.map((sp) => sp.path).join(', ')}`} (${records} records read, ${report.skipped} skipped).`, {
      location: sources.length === 1 ? { file: sources[0]!.path } : undefined,
      hint: report.skipped > 0 ? 'Every record was skipped: fix the records listed above, or check the format and column mapping.' : 'Check the path, the format and the column mapping; a KB needs at least one entity to link to.',
    });
  }
  // Titles still empty after merging fall back to the id, so every entity shows something; reported above.
  for (let i = 0; i < entities.length; i++) {
    if (entities[i].title.trim() === '') entities[i] = { ...entities[i], title: entities[i].id };
  }
  report.entities = entities.length;
  report.mergedIds = mergedRows.size;
  report.ms = Date.now() - started;
  if (report.mergedIds > 0) logger.info(`${report.mergedIds} ids merged across sources.`);
  const name = options.name ?? (sources.length > 0 ? path.basename(sources[0].path) : 'empty');
  return { kb: new KnowledgeBase(name, entities, rowById), report };
}
