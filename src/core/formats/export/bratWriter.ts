import * as path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { writeTextAtomic } from '../../atomicFile';
import { type GoldDocument, type GoldMention, assertWellFormedText, goldFormatError } from '../goldDocument';
import { codePointIndex } from '../offsets';

/**
 * brat standoff: `<doc>.txt` and `<doc>.ann` with a `T` line per mention and an `N` (normalisation) line per gold
 * id: `N1<TAB>Reference T1 <db>:<id><TAB><name>`. Offsets count Unicode code points, as brat's server and its
 * Python tools do (the linker's UTF-16 units differ after an emoji). A mention without N lines is NIL. A surface
 * or name holding a line break, a tab or another separator a line reader may split on (brat keeps one annotation
 * per line) is written with spaces; the reader compares it the same way. An id, a DB name or a type cannot be
 * changed that way (it would name another entity), so one holding whitespace or a control character is refused
 * with the record's file and line: written raw it would forge extra T or N lines.
 */
export interface BratExportOptions {
  /** The normalisation DB name before the id (brat's tools.conf names it). Default 'KB'. */
  readonly db?: string;
  /** The entity type of every T line. Default 'Entity'. */
  readonly type?: string;
}

/** The file an export folder holds so a later export recognises it as its own (exportTarget.ts). */
export const BRAT_EXPORT_MARKER = '.entity-linker-export';

const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const NOT_A_TOKEN = /[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function oneLine(text: string): string {
  return text.replace(LINE_BREAKING, ' ');
}

function token(value: string, what: string, m: GoldMention | undefined): string {
  if (value !== '' && !NOT_A_TOKEN.test(value)) return value;
  const where = m === undefined ? { file: '(export options)' } : { file: m.source.file, line: m.source.line };
  throw goldFormatError(`${what} ${JSON.stringify(value)} ${value === '' ? 'is empty' : 'holds whitespace or a control character'}: brat standoff cannot hold it.`, where, 'Fix the id in the source, or export as NIF or BLINK, which escape it.');
}

export function bratAnnotations(doc: GoldDocument, options: BratExportOptions = {}): string {
  assertWellFormedText(doc, 'brat standoff');
  const db = token(options.db ?? 'KB', 'the normalisation DB name', undefined);
  const type = token(options.type ?? 'Entity', 'the entity type', undefined);
  const lines: string[] = [];
  const cp = codePointIndex(doc.text);
  let n = 0;
  doc.mentions.forEach((m, i) => {
    const t = `T${i + 1}`;
    lines.push(`${t}\t${type} ${cp(m.start)} ${cp(m.end)}\t${oneLine(m.text)}`);
    if (m.nil) return;
    m.goldIds.forEach((id, k) => {
      n++;
      lines.push(`N${n}\tReference ${t} ${db}:${token(id, 'the KB id', m)}\t${oneLine(m.goldNames?.[k] ?? m.goldNames?.[0] ?? id)}`);
    });
  });
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** A file name from a document id: unsafe characters replaced, clashes numbered. */
export function safeDocumentName(id: string, used: Set<string>): string {
  const base = id.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_').slice(0, 120) || 'document';
  let name = base;
  for (let k = 2; used.has(name.toLowerCase()); k++) name = `${base}-${k}`;
  used.add(name.toLowerCase());
  return name;
}

/** Writes one .txt/.ann pair per document into `dir`; returns the .ann paths. */
export async function writeBratStandoff(docs: readonly GoldDocument[], dir: string, options: BratExportOptions = {}): Promise<string[]> {
  // Every .ann is built before anything is written, so a refused id leaves the folder as it was.
  const used = new Set<string>();
  const pairs = docs.map((doc) => ({ name: safeDocumentName(doc.id, used), text: doc.text, ann: bratAnnotations(doc, options) }));
  await mkdir(dir, { recursive: true });
  await writeTextAtomic(path.join(dir, BRAT_EXPORT_MARKER), `${JSON.stringify({ writer: 'entity-linker export', format: 'brat', documents: docs.length })}\n`);
  const files: string[] = [];
  for (const pair of pairs) {
    await writeTextAtomic(path.join(dir, `${pair.name}.txt`), pair.text);
    const ann = path.join(dir, `${pair.name}.ann`);
    await writeTextAtomic(ann, pair.ann);
    files.push(ann);
  }
  return files;
}
