import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { GoldDocument } from '../goldDocument';

/**
 * brat standoff: `<doc>.txt` and `<doc>.ann` with a `T` line per mention and an `N` (normalisation) line per gold
 * id: `N1<TAB>Reference T1 <db>:<id><TAB><name>`. A mention without N lines is NIL. A surface holding line
 * breaks (brat keeps one annotation per line) is written with spaces; the reader compares it the same way.
 */
export interface BratExportOptions {
  /** The normalisation DB name before the id (brat's tools.conf names it). Default 'KB'. */
  readonly db?: string;
  /** The entity type of every T line. Default 'Entity'. */
  readonly type?: string;
}

export function bratAnnotations(doc: GoldDocument, options: BratExportOptions = {}): string {
  const db = options.db ?? 'KB';
  const type = options.type ?? 'Entity';
  const lines: string[] = [];
  let n = 0;
  doc.mentions.forEach((m, i) => {
    const t = `T${i + 1}`;
    lines.push(`${t}\t${type} ${m.start} ${m.end}\t${m.text.replace(/[\r\n\t]/g, ' ')}`);
    if (m.nil) return;
    m.goldIds.forEach((id, k) => {
      n++;
      lines.push(`N${n}\tReference ${t} ${db}:${id}\t${(m.goldNames?.[k] ?? m.goldNames?.[0] ?? id).replace(/[\r\n\t]/g, ' ')}`);
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
  await mkdir(dir, { recursive: true });
  const used = new Set<string>();
  const files: string[] = [];
  for (const doc of docs) {
    const name = safeDocumentName(doc.id, used);
    await writeFile(path.join(dir, `${name}.txt`), doc.text, 'utf8');
    const ann = path.join(dir, `${name}.ann`);
    await writeFile(ann, bratAnnotations(doc, options), 'utf8');
    files.push(ann);
  }
  return files;
}
