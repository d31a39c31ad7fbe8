import * as fs from 'node:fs';
import * as path from 'node:path';
import { ANNOTATION_DIR } from '../../annotations/annotationPaths';
import { LinkerError } from '../../errors';
import { fileTypeName } from '../../inputFile';
import { BRAT_EXPORT_MARKER } from './bratWriter';
import type { GoldDocument } from '../goldDocument';
import { NIF_EXPORT_MARKER } from './nifWriter';

/*
 * Where an export may write. An export replaces its outputs, so before anything is read or mined:
 * - an output must not be one of the export's inputs (same real path: a gold file, a file of a gold folder, an
 *   annotated document, a KB source, the KB config, the duplicates file), nor lie inside an annotation store;
 * - the train and dev outputs must differ;
 * - an existing output is replaced only when it is a previous export of ours, or with --force. Our exports are
 *   recognised by their content: a NIF file starts with the comment line NIF_EXPORT_MARKER; a BLINK file's
 *   first record has the fields this writer writes (context_left, mention, context_right, label_id,
 *   document_id, mention_start, mention_end); a brat folder holds the file BRAT_EXPORT_MARKER. An empty file
 *   or an empty folder holds nothing to lose;
 * - only regular files (and, for brat, folders) are replaced: a device, a FIFO or a symbolic link is an error
 *   (the atomic writers check it again at the moment of writing).
 */


export type ExportFormat = 'blink' | 'nif' | 'brat';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['blink', 'nif', 'brat'];

const BLINK_FIELDS = ['context_left', 'mention', 'context_right', 'label_id', 'document_id', 'mention_start', 'mention_end'];

export interface ExportTargets {
  readonly format: ExportFormat;
  readonly out: string;
  readonly devOut?: string;
  /** Every file or folder the export reads. */
  readonly inputs: readonly string[];
  /** Replace an existing output that is not recognisably a previous export. */
  readonly force?: boolean;
}

/** Every file gold documents came from: the gold files themselves and the documents they annotate. */
export function goldInputFiles(docs: readonly GoldDocument[]): string[] {
  const files = new Set<string>();
  for (const d of docs) {
    if (d.path !== undefined) files.add(d.path);
    for (const m of d.mentions) files.add(m.source.file);
  }
  return [...files];
}

/** The real path of `p`, or of its nearest existing ancestor joined with the rest (for outputs not yet written). */
export function realPathOf(p: string): string {
  const abs = path.resolve(p);
  try {
    return fs.realpathSync(abs);
  } catch {
    const parent = path.dirname(abs);
    return parent === abs ? abs : path.join(realPathOf(parent), path.basename(abs));
  }
}

function inside(child: string, folder: string): boolean {
  return child === folder || child.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep);
}

/** Throws a LinkerError naming the output and the reason when the export must not write where it was told to. */
export function checkExportTargets(targets: ExportTargets): void {
  const outputs = [{ option: '--out', file: targets.out }, ...(targets.devOut === undefined ? [] : [{ option: '--dev-out', file: targets.devOut }])];
  const real = outputs.map((o) => ({ ...o, real: realPathOf(o.file) }));
  if (real.length === 2 && (inside(real[0]!.real, real[1]!.real) || inside(real[1]!.real, real[0]!.real))) {
    throw new LinkerError('usage', `--out and --dev-out name the same ${real[0]!.real === real[1]!.real ? 'path' : 'tree'} (${real[0]!.real}): the dev split would overwrite the train split.`, {
      hint: 'Give the train and dev outputs different paths.',
    });
  }
  const inputs = targets.inputs.map((i) => ({ given: i, real: realPathOf(i) }));
  for (const o of real) {
    if (o.real.split(path.sep).includes(ANNOTATION_DIR)) {
      throw new LinkerError('usage', `${o.option} ${o.file} lies inside an annotation store (${ANNOTATION_DIR}/): an export never writes there.`, { hint: 'Write the export outside .entity-links/.' });
    }
    const clash = inputs.find((i) => i.real === o.real || (targets.format === 'brat' && inside(i.real, o.real)));
    if (clash !== undefined) {
      throw new LinkerError('usage', `${o.option} ${o.file} ${clash.real === o.real ? 'is' : 'holds'} one of the export's inputs (${clash.given}): writing it would destroy what is being exported.`, {
        hint: 'Write the export to a new path.',
      });
    }
    checkExisting(o.option, o.file, targets.format, targets.force === true);
  }
}

function checkExisting(option: string, file: string, format: ExportFormat, force: boolean): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (format === 'brat') {
    if (!st.isDirectory()) {
      throw new LinkerError('inputMissing', `${option} ${file} is ${st.isFile() ? 'a file' : fileTypeName(st)}; brat output is a folder.`, { hint: 'Name a folder (new, empty, or a previous brat export).' });
    }
    const names = fs.readdirSync(file);
    if (names.length === 0 || names.includes(BRAT_EXPORT_MARKER) || force) return;
    throw new LinkerError('usage', `${option} ${file} is a folder that is not a previous brat export of entity-linker (no ${BRAT_EXPORT_MARKER} in it); its files would be overwritten.`, {
      hint: 'Name a new or empty folder, or force the export (--force on the command line).',
    });
  }
  if (!st.isFile()) {
    throw new LinkerError('inputMissing', `${option} ${file} is ${fileTypeName(st)}; only regular files are replaced.`, {
      hint: st.isSymbolicLink() ? 'Name the file the link points to, or remove the link.' : 'Name a regular file (or a new path).',
    });
  }
  if (st.size === 0 || force || isOurExport(file, format)) return;
  throw new LinkerError('usage', `${option} ${file} exists and is not a previous ${format} export of entity-linker; it would be overwritten.`, {
    hint: 'Name a new path, or force the export (--force on the command line).',
  });
}

/** Whether an existing file looks like our own export of `format` (see the top of this file). */
export function isOurExport(file: string, format: ExportFormat): boolean {
  const first = firstLine(file);
  if (format === 'nif') return first === NIF_EXPORT_MARKER;
  if (format !== 'blink') return false;
  try {
    const record = JSON.parse(first) as unknown;
    return typeof record === 'object' && record !== null && BLINK_FIELDS.every((k) => k in record);
  } catch {
    return false;
  }
}

/** The first line of a file, read in blocks (a BLINK record holding a whole document can be megabytes long). */
function firstLine(file: string, max = 256 << 20): string {
  const fd = fs.openSync(file, 'r');
  try {
    const block = Buffer.alloc(1 << 20);
    const parts: Buffer[] = [];
    for (let pos = 0; pos < max; ) {
      const read = fs.readSync(fd, block, 0, block.length, pos);
      if (read === 0) break;
      const nl = block.subarray(0, read).indexOf(0x0a);
      parts.push(Buffer.from(block.subarray(0, nl >= 0 ? nl : read)));
      if (nl >= 0) break;
      pos += read;
    }
    return Buffer.concat(parts).toString('utf8').replace(/\r$/, '');
  } finally {
    fs.closeSync(fd);
  }
}
