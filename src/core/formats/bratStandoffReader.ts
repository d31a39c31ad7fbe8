import { readdir } from 'node:fs/promises';
import { readTextInput, statInput } from '../inputFile';
import * as path from 'node:path';
import { type GoldDocument, type GoldMention, type InvalidSpanListener, type SkipListener, badSpan, goldFormatError } from './goldDocument';
import { CodePointOffsets, hasAstral } from './offsets';

/**
 * brat standoff: `doc.txt` beside `doc.ann`, whose lines are text-bound annotations `T1<TAB>Type 0 5<TAB>Steve`
 * and normalisations `N1<TAB>Reference T1 Wiki:15919<TAB>John Wilkes Booth`. Offsets count Unicode code points of
 * the .txt, as brat's server and its Python tools do; they are read into the linker's UTF-16 offsets, and the text
 * after the offsets must be the text they cover (else an error with the line). A T with normalisations is linked
 * to their ids (the part after `DB:`; the DB name is the brat normalisation DB's, not part of the KB id); a T
 * without one is NIL. Discontinuous spans (`0 5;9 12`) cannot be a single mention and are skipped; other
 * annotation kinds (relations, events, attributes, notes) are not entity links and are ignored. A T id defined
 * twice or an N naming no T is an error with its line: either would change the gold silently.
 */
export interface BratReadOptions {
  readonly onSkip?: SkipListener;
  readonly onInvalidSpan?: InvalidSpanListener;
}

/** Reads one `.ann` file (its `.txt` beside it) or every `.ann` in a folder (recursively). */
export async function readBratStandoff(target: string, options: BratReadOptions = {}): Promise<GoldDocument[]> {
  const info = await statInput(target, 'The brat gold', 'file-or-folder');
  const files = info.isDirectory()
    ? (await readdir(target, { recursive: true, withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith('.ann')).map((e) => path.join(e.parentPath ?? e.path, e.name)).sort()
    : [target];
  if (files.length === 0) {
    throw goldFormatError('no .ann files in this folder.', { file: target }, 'brat standoff gold is doc.txt + doc.ann pairs.');
  }
  const root = info.isDirectory() ? target : path.dirname(target);
  const docs: GoldDocument[] = [];
  for (const ann of files) {
    const txt = ann.replace(/\.ann$/, '.txt');
    let text: string;
    try {
      text = await readTextInput(txt, 'The brat text file');
    } catch (e) {
      throw goldFormatError(`its text file cannot be read: ${(e as Error).message}`, { file: ann }, 'Each .ann needs the .txt of the same name beside it.');
    }
    const id = path.relative(root, txt).split(path.sep).join('/').replace(/\.txt$/, '');
    docs.push(parseBratStandoff(await readTextInput(ann, 'The brat annotation file'), text, { id, annFile: ann, txtFile: txt }, options));
  }
  return docs;
}

export function parseBratStandoff(ann: string, text: string, where: { id: string; annFile: string; txtFile?: string }, options: BratReadOptions = {}): GoldDocument {
  const spans = new Map<string, { start: number; end: number; surface: string; line: number }>();
  const norms = new Map<string, { ids: string[]; names: string[]; by: string; line: number }>();
  // Every T id seen, with its line: a second definition is an error, and an N may name one left out as invalid.
  const defined = new Map<string, number>();
  const file = where.annFile;
  const codePoints = hasAstral(text) ? new CodePointOffsets(text) : undefined;
  ann.split(/\r?\n/).forEach((raw, i) => {
    const lineNo = i + 1;
    if (raw.trim() === '') return;
    const fields = raw.split('\t');
    const kind = fields[0]![0];
    if (kind === 'T') {
      const first = defined.get(fields[0]!);
      if (first !== undefined) {
        throw goldFormatError(`${fields[0]} is defined again (first at line ${first}).`, { file, line: lineNo }, 'Give each text-bound annotation its own id (T1, T2, ...).');
      }
      defined.set(fields[0]!, lineNo);
      // The first word is the entity type; the rest are the offsets.
      const offsets = (fields[1] ?? '').split(' ').slice(1);
      const joined = offsets.join(' ');
      if (!/^\d+ \d+(;\d+ \d+)*$/.test(joined)) {
        throw goldFormatError(`${fields[0]}: a text-bound annotation is "T1<TAB>Type START END<TAB>text", not ${JSON.stringify(raw)}.`, { file, line: lineNo });
      }
      if (joined.includes(';')) {
        options.onSkip?.({ file, line: lineNo, record: fields[0] }, 'a discontinuous span is not one mention');
        return;
      }
      const span = utf16Span(text, codePoints, Number(offsets[0]), Number(offsets[1]));
      const covered = typeof span === 'string' ? '' : text.slice(span.start, span.end);
      const surface = fields[2] ?? '';
      // The writer puts spaces for line breaks in a surface (one annotation per line), so compare that way.
      const problem = typeof span === 'string' ? span : covered.replace(/[\r\n\t]/g, ' ') === surface ? undefined : `the text at [${offsets[0]}, ${offsets[1]}) is ${JSON.stringify(covered)}, not ${JSON.stringify(surface)}`;
      if (typeof span === 'string' || problem !== undefined) {
        // Left out (with --skip-invalid): its N lines then find no T and are dropped with it below.
        badSpan(`${fields[0]}: ${problem}`, { file, line: lineNo, record: fields[0] }, options.onInvalidSpan, 'brat offsets count characters (Unicode code points, as Python does) of the .txt beside the .ann: fix the offsets or the text after them.');
        return;
      }
      spans.set(fields[0]!, { ...span, surface: covered, line: lineNo });
    } else if (kind === 'N') {
      const parts = (fields[1] ?? '').split(' ');
      if (parts.length < 3) {
        throw goldFormatError(`${fields[0]}: a normalisation is "N1<TAB>Reference T1 DB:ID<TAB>name".`, { file, line: lineNo });
      }
      const target = parts[1]!;
      const ref = parts.slice(2).join(' ');
      const colon = ref.indexOf(':');
      const id = colon < 0 ? ref : ref.slice(colon + 1);
      const entry = norms.get(target) ?? { ids: [], names: [], by: fields[0]!, line: lineNo };
      if (!entry.ids.includes(id)) entry.ids.push(id);
      if (fields[2] !== undefined && fields[2] !== '') entry.names.push(fields[2]);
      norms.set(target, entry);
    }
  });
  for (const [target, n] of norms) {
    if (!defined.has(target)) {
      throw goldFormatError(`${n.by} normalises ${target}, which no T line of this file defines.`, { file, line: n.line }, 'Fix the T id in the N line (its label would be lost), or remove the line.');
    }
  }
  const mentions: GoldMention[] = [];
  for (const [tid, s] of spans) {
    const n = norms.get(tid);
    const nil = n === undefined || n.ids.length === 0;
    mentions.push({
      start: s.start,
      end: s.end,
      text: s.surface,
      goldIds: nil ? [] : n.ids,
      nil,
      ...(nil || n.names.length === 0 ? {} : { goldNames: n.names }),
      source: { file, line: s.line, record: tid },
    });
  }
  mentions.sort((a, b) => a.start - b.start || a.end - b.end);
  return { id: where.id, path: where.txtFile, text, mentions };
}

/** A brat span (code points) as UTF-16 offsets of `text`, or what is wrong with it. `codePoints` is undefined when the two agree. */
function utf16Span(text: string, codePoints: CodePointOffsets | undefined, cpStart: number, cpEnd: number): { start: number; end: number } | string {
  const length = codePoints?.length ?? text.length;
  if (cpEnd > length) return `span [${cpStart}, ${cpEnd}) is outside the text (${length} code points)`;
  if (cpStart >= cpEnd) return `span [${cpStart}, ${cpEnd}) is empty`;
  return codePoints === undefined ? { start: cpStart, end: cpEnd } : { start: codePoints.toUtf16(cpStart)!, end: codePoints.toUtf16(cpEnd)! };
}
