import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { KbFormat } from './entity';
import { KB_FORMATS } from './entity';
import type { ColumnMapping, WordNetPos } from './kbReadOptions';
import { LinkerError } from '../errors';
import { ALL_POS } from './wordnetLexicon';
import { readTextHead, statInput } from '../inputFile';

/** One source of a KB: a path (or `wordnet`) and how to read it. */
export interface KbSourceSpec {
  readonly path: string;
  /** Absent: sniffed from the extension and content. */
  readonly format?: KbFormat;
  readonly columns?: ColumnMapping;
  readonly header?: boolean;
  readonly pos?: readonly WordNetPos[];
  readonly lang?: string;
}

const SNIFF_BYTES = 64 * 1024;

const FORMAT_HINT = `Name the format: FORMAT:PATH with FORMAT one of ${KB_FORMATS.join(', ')}.`;

/**
 * `FORMAT:PATH` (e.g. `brat:Wiki.txt`, `csv:C:\\kb.csv`), a bare path (format sniffed later), `wordnet`,
 * `wordnet:all` (every part of speech), `wordnet:n,v` or `wordnet:<dict folder>`.
 */
export function parseSourceArg(arg: string): KbSourceSpec {
  const trimmed = arg.trim();
  if (trimmed === 'wordnet') return { path: 'wordnet', format: 'wordnet' };
  const m = /^([a-z-]+):(.*)$/s.exec(trimmed);
  if (m === null || !(KB_FORMATS as readonly string[]).includes(m[1])) return { path: trimmed };
  const format = m[1] as KbFormat;
  const rest = m[2];
  if (format === 'wordnet') {
    if (rest === 'all') return { path: 'wordnet', format, pos: ALL_POS };
    if (/^[nvar](,[nvar])*$/.test(rest)) return { path: 'wordnet', format, pos: rest.split(',') as WordNetPos[] };
    return { path: rest === '' ? 'wordnet' : rest, format };
  }
  if (rest === '') throw new LinkerError('usage', `KB source "${arg}" names a format but no path.`, { hint: 'Write FORMAT:PATH, e.g. brat:data/Wiki.txt.' });
  return { path: rest, format };
}

function firstJsonObject(head: string): Record<string, unknown> | undefined {
  const line = head.split(/\r?\n/).find((l) => l.trim() !== '');
  if (line === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(line);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The format of a JSON-lines record by its keys. */
function jsonLineFormat(record: Record<string, unknown>): KbFormat | undefined {
  if ('document_id' in record) return 'zeshel';
  if ('id' in record) return 'jsonl';
  if ('idx' in record || 'entity' in record || ('title' in record && 'text' in record)) return 'blink';
  return undefined;
}

/** Guesses a source's format from its extension and first 64 KiB; throws `inputFormat` with what to do when unsure. */
export async function sniffFormat(target: string): Promise<KbFormat> {
  if (target === 'wordnet') return 'wordnet';
  let st;
  try {
    st = await statInput(target, 'The KB source', 'file-or-folder');
  } catch (e) {
    // `json:kb.jsonl`, `sparql:r.json`: a format prefix that is no format (parseSourceArg kept it as part of the path).
    const prefix = /^([a-z-]{2,}):(.+)$/s.exec(target);
    if (prefix === null || !LinkerError.is(e, 'inputMissing') || (e.cause as NodeJS.ErrnoException | undefined)?.code !== 'ENOENT') throw e;
    throw new LinkerError('usage', `KB source "${target}": there is no such file, and "${prefix[1]}" is not a KB format.`, { hint: FORMAT_HINT });
  }
  if (st.isDirectory()) {
    if (path.basename(target) === 'documents' || (await exists(path.join(target, 'documents')))) return 'zeshel';
    if (await exists(path.join(target, 'data.noun'))) return 'wordnet';
    throw new LinkerError('inputFormat', `Cannot tell the KB format of folder ${target}.`, { hint: 'A folder KB is a Zeshel documents/ folder or a WordNet dict folder; for files give the file.' });
  }
  const ext = path.extname(target).toLowerCase();
  const head = await readTextHead(target, 'The KB source', SNIFF_BYTES);
  if (/^\s*\{\s*"head"\s*:\s*\{[^]*?"vars"\s*:/.test(head)) return 'sparql-json';
  const firstLine = head.split(/\r?\n/, 1)[0] ?? '';
  if (/\tname:[^:\t]*:/.test(firstLine)) return 'brat';
  if (ext === '.csv') return 'csv';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  const record = firstJsonObject(head);
  if (record !== undefined) {
    const format = jsonLineFormat(record);
    if (format !== undefined) return format;
  }
  if (ext === '.txt' && firstLine.includes('\t')) return 'tsv';
  throw new LinkerError('inputFormat', `Cannot tell the KB format of ${target}.`, { location: { file: target, line: 1 }, hint: FORMAT_HINT });
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.stat(p);
    return true;
  } catch {
    return false;
  }
}
